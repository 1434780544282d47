#!/usr/bin/env ruby
# g_counter.rb -- workload g-counter. A state-based G-counter: one count
# per node, each node bumps only its own, gossips the whole map to every
# other node every 0.5 s, and merges what it hears entry by entry with max.
# The value is the sum. Partitions only delay convergence; after the heal
# the final reads equal the sum of the acknowledged adds. Deserves: valid,
# under no-faults and split-brain.
require_relative 'maelstrom'

node = Node.new
counts = Hash.new(0)    # node id (string) -> its total

node.on 'add' do |msg|
  counts[node.node_id] += msg[:body][:delta]
  node.reply! msg, { type: 'add_ok' }
end

node.on 'read' do |msg|
  node.reply! msg, { type: 'read_ok', value: counts.values.sum }
end

node.on 'gossip' do |msg|
  msg[:body][:counts].each { |id, n| counts[id.to_s] = [counts[id.to_s], n].max }
end

node.every 0.5 do
  node.other_ids.each { |peer| node.send! peer, { type: 'gossip', counts: counts } }
end

node.main!

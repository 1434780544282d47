#!/usr/bin/env ruby
# g_set.rb -- workload g-set. A grow-only set as a state-based CRDT: every
# 0.5 s each node sends its whole set to every other node, and merges what
# it hears by union. A partition only delays the merge; after the heal the
# final reads hold every added element. Deserves: valid, under no-faults
# and split-brain.
require_relative 'maelstrom'
require 'set'

node = Node.new
elements = Set.new

node.on 'add' do |msg|
  elements << msg[:body][:element]
  node.reply! msg, { type: 'add_ok' }
end

node.on 'read' do |msg|
  node.reply! msg, { type: 'read_ok', value: elements.to_a.sort }
end

node.on 'gossip' do |msg|
  elements.merge msg[:body][:value]
end

node.every 0.5 do
  value = elements.to_a.sort
  node.other_ids.each { |peer| node.send! peer, { type: 'gossip', value: value } }
end

node.main!

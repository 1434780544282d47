#!/usr/bin/env ruby
# broadcast_drop.rb -- workload broadcast, deliberately LOSSY. A new
# message is passed on to the neighbours once, with no ack and no retry, so
# anything a partition eats is gone for good; and every 3rd message (2, 5,
# 8, ... : Maelstrom's messages are 0, 1, 2, ...) is kept to itself and
# never passed on at all. So even a calm network loses messages: once
# message 2 is acknowledged, the final reads on every other node miss it.
# Deserves: invalid, under no-faults and split-brain.
require_relative 'maelstrom'
require 'set'

node = Node.new
messages = Set.new
neighbours = []

node.on_init { neighbours = node.other_ids }

node.on 'topology' do |msg|
  neighbours = msg[:body][:topology][node.node_id.to_sym] || neighbours
  node.log "Neighbours: #{neighbours.inspect}"
  node.reply! msg, { type: 'topology_ok' }
end

node.on 'broadcast' do |msg|
  m = msg[:body][:message]
  node.reply! msg, { type: 'broadcast_ok' }
  unless messages.include? m
    messages << m
    unless m % 3 == 2                     # the bug: every 3rd stays here
      neighbours.each do |peer|
        # fire and forget: the broadcast_ok that comes back has no callback
        node.send! peer, { type: 'broadcast', message: m } unless peer == msg[:src]
      end
    end
  end
end

node.on 'read' do |msg|
  node.reply! msg, { type: 'read_ok', messages: messages.to_a.sort }
end

node.main!

#!/usr/bin/env ruby
# lin_kv_forward.rb -- workload lin-kv. n1 holds the only copy and answers
# read, write and cas; every other node forwards each request to n1
# unchanged (the client's src "cN" in the envelope, its msg_id in the
# body), so n1 answers the client directly and the forwarding node answers
# nothing itself. One copy is linearizable; a client cut off from n1 only
# times out. Deserves: valid, under no-faults and split-brain.
require_relative 'maelstrom'

LEADER = 'n1'
node = Node.new
store = {}      # key.to_json -> value

apply = lambda do |body|
  key = body[:key].to_json
  case body[:type]
  when 'write'
    store[key] = body[:value]
    { type: 'write_ok' }
  when 'read'
    next { type: 'error', code: 20, text: 'key does not exist' } unless store.key? key
    { type: 'read_ok', value: store[key] }
  when 'cas'
    next { type: 'error', code: 20, text: 'key does not exist' } unless store.key? key
    if store[key].to_json != body[:from].to_json
      next { type: 'error', code: 22,
             text: "expected #{body[:from].to_json}, current value is #{store[key].to_json}" }
    end
    store[key] = body[:to]
    { type: 'cas_ok' }
  end
end

%w[read write cas].each do |type|
  node.on type do |msg|
    if node.node_id == LEADER
      node.reply! msg, apply.call(msg[:body])
    else
      node.forward! msg, LEADER
    end
  end
end

node.main!

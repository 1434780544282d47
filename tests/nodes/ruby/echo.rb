#!/usr/bin/env ruby
# echo.rb -- workload echo. Answers every echo with echo_ok carrying the
# same text. Deserves: valid, under no-faults and split-brain.
require_relative 'maelstrom'

node = Node.new

node.on 'echo' do |msg|
  node.reply! msg, { type: 'echo_ok', echo: msg[:body][:echo] }
end

node.main!

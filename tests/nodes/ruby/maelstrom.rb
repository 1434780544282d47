# maelstrom.rb -- a small Maelstrom node library, after Maelstrom's own
# demo/ruby/node.rb:
#
#     require_relative 'maelstrom'
#     node = Node.new
#     node.on 'echo' do |msg|
#       node.reply! msg, { type: 'echo_ok', echo: msg[:body][:echo] }
#     end
#     node.main!
#
# One JSON message per line on stdin and on stdout, flushed per line; logs
# go to stderr only. Messages are parsed with symbolized keys, as node.rb
# does (msg[:body][:type]). init is handled here: node_id and node_ids are
# set, the on_init hooks run, init_ok goes back, the every tasks start.
#
# Dispatch, as node.rb does:
#   - a message whose in_reply_to matches an rpc we sent goes to that rpc's
#     block (the table is keyed by our msg_id), once;
#   - a reply nobody waits for (late, or a duplicate ack) is logged and
#     dropped;
#   - a request goes to the handler registered for its type; an unknown
#     type RAISES "No handler for ...", which kills the node.
#
# Handlers, rpc blocks and periodic tasks all run holding one lock, so node
# state needs no other; periodic tasks and rpc timeouts run on threads
# (abort_on_exception: an error in one kills the node, never hides).
require 'json'
require 'monitor'

class Node
  attr_reader :node_id, :node_ids, :lock

  def initialize
    @node_id = nil
    @node_ids = []
    @next_msg_id = 0
    @handlers = {}
    @init_hooks = []
    @periodic = []
    @callbacks = {}     # our msg_id -> [block, deadline or nil]
    @lock = Monitor.new
    @out = Mutex.new
  end

  # Registers the block for requests of TYPE.
  def on(type, &handler)
    raise "Already have a handler for #{type}" if @handlers.key? type
    @handlers[type] = handler
  end

  def on_init(&hook)
    @init_hooks << hook
  end

  # Runs the block every DT seconds once the node is initialised.
  def every(dt, &task)
    @periodic << [dt, task]
  end

  def other_ids
    @node_ids.reject { |id| id == @node_id }
  end

  def log(text)
    STDERR.puts text
    STDERR.flush
  end

  # The one writer of stdout: one line, flushed at once.
  def write_line(line)
    @out.synchronize do
      STDOUT.puts line
      STDOUT.flush
    end
  end

  def send!(dest, body)
    write_line JSON.generate({ src: @node_id, dest: dest, body: body })
  end

  def reply!(req, body)
    send! req[:src], body.merge(in_reply_to: req[:body][:msg_id])
  end

  # Passes REQ on to DEST unchanged: the client's src and msg_id stay, so
  # DEST can answer the client directly.
  def forward!(req, dest)
    write_line JSON.generate({ src: req[:src], dest: dest, body: req[:body] })
  end

  # Sends BODY with a fresh msg_id; the block gets the reply. With TIMEOUT
  # (seconds) and no reply by then, it gets an error reply with code 0.
  def rpc!(dest, body, timeout: nil, &handler)
    msg_id = @lock.synchronize do
      @next_msg_id += 1
      @callbacks[@next_msg_id] = [handler, timeout && Time.now + timeout]
      @next_msg_id
    end
    send! dest, body.merge(msg_id: msg_id)
  end

  def main!
    Thread.abort_on_exception = true
    Thread.new { loop { sleep 0.05; expire_callbacks } }
    while (line = STDIN.gets)
      msg = JSON.parse(line, symbolize_names: true)
      @lock.synchronize { dispatch msg }
    end
  end

  private

  def dispatch(msg)
    body = msg[:body]
    if body.key? :in_reply_to
      handler, = @callbacks.delete body[:in_reply_to]
      if handler
        handler.call msg
      else
        log "Ignoring reply with no callback: #{msg.to_json}"
      end
    elsif body[:type] == 'init'
      handle_init msg
    elsif (handler = @handlers[body[:type]])
      handler.call msg
    else
      raise "No handler for #{msg.to_json}"
    end
  end

  def handle_init(msg)
    @node_id = msg[:body][:node_id]
    @node_ids = msg[:body][:node_ids]
    @init_hooks.each(&:call)
    log "Node #{@node_id} initialised"
    reply! msg, { type: 'init_ok' }
    @periodic.each do |dt, task|
      Thread.new { loop { sleep dt; @lock.synchronize { task.call } } }
    end
  end

  def expire_callbacks
    now = Time.now
    @lock.synchronize do
      expired = @callbacks.select { |_, (_, deadline)| deadline && deadline <= now }
      expired.each do |msg_id, (handler, _)|
        @callbacks.delete msg_id
        handler.call({ src: nil, dest: @node_id,
                       body: { type: 'error', code: 0, text: 'timeout', in_reply_to: msg_id } })
      end
    end
  end
end

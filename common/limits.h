/*  limits.h -- every maximum in faultlab, with the reason for its value.

    One place, so that a reader sees what the lab bounds and why, and a test
    can reach each limit by name. Include as "limits.h" (the build passes
    -iquote common, so <limits.h> still means the C library's).
*/
#ifndef FL_LIMITS_H_INCLUDED
#define FL_LIMITS_H_INCLUDED

/*  Parties. Ids are short Maelstrom names ("n1", "c12"); ZeroMQ routing ids
    may be up to 255 bytes, but a lab of more than a few hundred parties is
    not what a 2-core laptop-sized lab is for.                              */
#define FL_ID_BYTES_MAX          32     /* "n1", "c123": room to spare     */
#define FL_WHY_BYTES_MAX         256    /* the reason an op is info or fail */
#define FL_FINAL_OPS_MAX         64     /* final-phase ops one client issues at most */
#define FL_FINAL_PHASE_MS        10000  /* the final-read phase ends by then (Maelstrom clips its final polls at 10 s) */
#define FL_BAD_OUTPUT_EXAMPLES   10     /* bad --node output lines results.json quotes */
#define FL_NODES_MAX             64     /* larger clusters teach nothing new */
#define FL_CLIENTS_MAX           256    /* concurrent client workers       */
#define FL_PARTIES_MAX           (FL_NODES_MAX + FL_CLIENTS_MAX + 8)

/*  Messages. Maelstrom bodies are small JSON objects; a broadcast read with
    every value seen can grow to tens of KiB. One MiB is far above any honest
    message and small enough that a runaway node cannot exhaust memory.    */
#define FL_MSG_BYTES_MAX         (1024 * 1024)

/*  Proxy queues. Delayed, reordered and paused messages are held in memory;
    past this many held messages on one link the proxy drops (and counts)
    rather than grow without bound.                                        */
#define FL_LINK_QUEUE_MAX        100000
#define FL_DELAY_MS_MAX          60000  /* a minute is already "forever"   */
#define FL_SOCKET_HWM            100000 /* ZeroMQ's default 1000 drops under bursts */
#define FL_PROXY_RULES_MAX       16384  /* a partition of 64 nodes is 4032 blocks; room for clients */
#define FL_RULE_TYPES_MAX        8      /* message types one block/unblock names: a raft
                                           test names one or two ("append_entries",
                                           "request_vote"); 8 leaves room          */
#define FL_TYPE_BYTES_MAX        32     /* a message type ("append_entries" is 14) */
#define FL_PROXY_TYPES_MAX       32     /* distinct types a proxy can block in its
                                           life: a rule holds its type set as a
                                           uint32_t bitmask over the table's type
                                           registry, so links stay small; a
                                           protocol has a dozen types at most    */
#define FL_REORDER_HOLD_MS       100    /* a held-back message waits at most this long for a later one */
#define FL_PROXY_BATCH_MAX       1024   /* messages drained per poll wake-up before timers and control run */
#define FL_TRACE_QUEUE_BYTES_MAX (64 * 1024 * 1024) /* trace records the proxy may hand
                                           its writer thread before it waits for
                                           the writer: bounds memory, never loses
                                           a record (a few seconds of a 25-node
                                           lab at full rate)                   */
#define FL_TRACE_BYTES_MAX       (2LL * 1024 * 1024 * 1024) /* messages.jsonl: lines
                                           past it are counted, not written (a
                                           node flooding its peers wrote 73 MB/s;
                                           a 25-node, 100-client scale run of 60 s
                                           writes about a fifth of this)      */
#define FL_TRACE_CHUNK_BYTES     (64 * 1024)  /* records gathered before a chunk is
                                           handed over early (else per batch) */
#define FL_PROXY_POLL_MS_MAX     100    /* longest poll, so a signal between checks is seen soon */

/*  Control protocol. Requests are small JSON objects.                     */
#define FL_CONTROL_BYTES_MAX     (64 * 1024)
#define FL_CONTROL_TIMEOUT_MS    5000   /* harness gives up on a silent proxy */

/*  Node library.                                                          */
#define FL_HANDLERS_MAX          64     /* distinct message types per node */
#define FL_RPC_INFLIGHT_MAX      65536  /* outstanding RPCs per node       */
#define FL_TIMERS_MAX            256    /* live timers per node            */
#define FL_NODE_PARAMS_MAX       32     /* --param K=V pairs per node      */
#define FL_NODE_LINGER_MS        200    /* replies sent just before exit still go out */
#define FL_NODE_EVENTS_BATCH     256    /* messages or expiries handled per loop turn,
                                           so timers and the socket never starve */
#define FL_NODE_STOP_ROUNDS      8      /* rounds of NULL callbacks at stop, in case
                                           a callback keeps re-issuing RPCs */
#define FL_NODE_ROLE_BYTES_MAX   32     /* "leader", "follower": a name   */
#define FL_NODE_LOG_BYTES_MAX    (64LL * 1024 * 1024) /* one node's log file
                                           (RUN_DIR/nK.log, all its lives): an
                                           hour of raft at debug level is a
                                           few MiB; past this the output is
                                           cut and counted (lab/nodelog.h), so
                                           a node flooding stderr cannot fill
                                           the disk (3.3 GB in 4 s)        */
#define FL_NODE_LOG_DRAIN_MS     200    /* at the lab's end, a log's writer
                                           gets this long to write what its
                                           dead node wrote last            */
#define FL_STDIO_PENDING_BYTES_MAX (64 * 1024 * 1024) /* bytes node-stdio holds
                                           for a node that does not read its
                                           stdin; past it messages are
                                           dropped and the drop is logged  */
#define FL_NODE_POLL_MS_MAX      100    /* longest poll, so a signal that lands just
                                           before the poll is still seen soon */
#define FL_LINE_READ_BYTES       65536  /* bytes a stdio reader (node-stdio, a
                                           node's --stdio) takes per read(); its
                                           buffer is FL_MSG_BYTES_MAX + this */
#define FL_BAD_OUTPUT_TEXT_BYTES 200    /* bytes of a bad stdout line kept in the
                                           bridge's log and --bad-output record:
                                           enough to see what it was        */
#define FL_BAD_OUTPUT_BYTES_MAX  (16LL * 1024 * 1024) /* a run's bad-output.jsonl,
                                           shared by its bridges: some 60,000
                                           records of ~270 bytes, far more
                                           than anyone reads to see what a
                                           node does wrong; past it the
                                           lines are counted per node, not
                                           written, so a node flooding
                                           stdout with junk cannot fill the
                                           disk (236 MB in 4 s)            */
#define FL_FAKETIME_OFFSET_MS_MAX (366LL * 24 * 3600 * 1000) /* a year either way:
                                           far past any clock-skew a scenario
                                           asks for (FL_RUN_SECONDS_MAX)    */

/*  Scenarios.                                                             */
#define FL_SCENARIO_STEPS_MAX    1024   /* explicit fault steps            */
#define FL_TOUR_STEPS_MAX        64     /* steps of a scripted tour: a story
                                           a person reads in one table     */
#define FL_TOUR_SECONDS_DEFAULT  60     /* a tour's duration_s when it gives
                                           none: the tour stops there      */
#define FL_TOUR_KEY_BYTES_MAX    64     /* a tour's key: "user:alice"      */
#define FL_TOUR_WAIT_MS_MAX      60000  /* one tour wait step: a minute    */
#define FL_TOUR_REPLICA_MS       500    /* a tour waits this long for every
                                           replica_read answer             */
#define FL_TOUR_SETTLE_POLL_MS   50     /* between replica reads while a
                                           settle step waits for agreement */
#define FL_SCENARIO_SYSTEMS_MAX  16     /* systems compared in one run     */
#define FL_RUN_SECONDS_MAX       3600   /* a scenario longer than an hour is a soak test */
#define FL_INIT_TIMEOUT_MS       10000  /* every node must answer init by then (Maelstrom: 10 s) */
#define FL_SETUP_TIMEOUT_MS      10000  /* and the workload's setup (topology) */
#define FL_SHUTDOWN_GRACE_MS     1000   /* SIGTERM, then SIGKILL after this */

/*  Checker. The search is exponential in the worst case; these turn an
    exhausted search into "unknown" rather than a crash.                   */
#define FL_CHECK_TIMEOUT_S_DEFAULT   60
#define FL_CHECK_MEMORY_MB_DEFAULT   4096   /* cache of (linearized, state) */
#define FL_CHECK_MEMORY_MB_MAX       (1024 * 1024)  /* --memory: a TiB is more
                                               than any machine this runs on */
#define FL_CHECK_TIMEOUT_S_MIN       0.1    /* a run's check budget (--check-timeout,
                                               checks/timeout_s): less decides nothing */
#define FL_CHECK_TIMEOUT_S_MAX       (366.0 * 24 * 3600)  /* a year is "no limit";
                                               more overflows the deadline in ns */
#define FL_HISTORY_OPS_MAX           10000000
#define FL_HISTORY_LINE_BYTES_MAX    (FL_MSG_BYTES_MAX + 64 * 1024) /* a line
                                               holds one reply's value (at most a
                                               message: the lab writes what a node
                                               may send) and its op's few fields;
                                               at 1 MiB, a reply just under the
                                               message limit made a line the lab
                                               could not read back (unknown)   */
#define FL_HISTORY_FS_MAX            64     /* distinct f names in one history:
                                               a workload has a handful     */
#define FL_EDN_DEPTH_MAX             64     /* histories nest 3 deep; more is garbage */
#define FL_CHECK_THREADS_MAX         64     /* kv partitions checked at once   */
#define FL_CHECK_ROUND_MS_FIRST      50     /* kv keys searched in rounds: the
                                               first slice each key gets, so
                                               an easy invalid key is found
                                               before a hard valid one ends */
#define FL_CHECK_ROUND_GROWTH        4      /* each round's slice this many
                                               times the last: the work
                                               redone is at most a third */
#define FL_CHECK_UNIQUE_PASSES_MAX   1024   /* unique values: failed cas made
                                               to fit one by one, each try a
                                               new order; then the search   */
#define FL_CHECK_UNIQUE_WORK_MAX     100000000  /* ... and at most this many
                                               cluster visits (about a
                                               second) in those orders     */
#define FL_CHECK_UNIQUE_SCAN_MAX     4096   /* unique values: units looked at
                                               for one step of the order made
                                               for failed cas; past it the
                                               sorted order is kept */
#define FL_CHECK_KEYS_LISTED_MAX     100    /* keys listed with their method
                                               in --json */
#define FL_CHECK_EXPLAIN_OPS_MAX     20     /* concurrent ops listed on invalid */
#define FL_CHECK_EXPLAIN_MS          2000   /* the search that explains a key the
                                               unique-values method or the
                                               unwritten-read pre-check found
                                               invalid: past it, no prefix is given */
#define FL_CHECK_EXPLAIN_MB          256    /* ... and the memory it may add to
                                               what the check holds */
#define FL_SEQ_CHAIN_OPS             6      /* last ops of the best order in a
                                               sequential violation's chain   */
#define FL_SEQ_CHAIN_BLOCKED         3      /* stuck processes named in it      */
#define FL_TXN_CYCLES_PER_TYPE_MAX   8      /* cycles kept per anomaly type (txn
                                           models): one names the anomaly, a
                                           few show it is no fluke; the rest
                                           are counted                      */
#define FL_TXN_CASES_PER_TYPE_MAX    32     /* non-cycle cases (G1a, internal...)
                                           listed per type; the rest counted */
#define FL_TXN_VALUE_TEXT_BYTES_MAX  240    /* a value in a txn explanation's
                                           words: past it cut, with its
                                           size said (--json has it whole) */
#define FL_TXN_CYCLE_TRIES_MAX       8      /* cycles found per component and
                                           search before keeping the shortest:
                                           more is time for a shorter picture */
#define FL_TXN_EXPLAIN_CYCLE_MAX     64     /* steps of a cycle drawn and printed;
                                           a longer one is cut with "..."    */
#define FL_REPORT_TITLED_OPS_MAX     2000   /* above this the HTML page draws ops
                                               without per-op tooltips, to stay small */

/*  Causal and session checks (checker/causal.c, session.c, regview.c):
    polynomial, but their vector clocks are ops x processes cells.        */
#define FL_CAUSAL_CHAINS_MAX         256    /* processes (and lone info ops) the
                                               causal and session checks keep a
                                               vector clock entry for: a client's
                                               id changes after each info, and a
                                               check costs ops * this per process */
#define FL_CAUSAL_CLOCK_CELLS_MAX    (1 << 26) /* ops * chains clock cells (4 bytes
                                               each, two arrays: 512 MB at most) */
#define FL_CAUSAL_ROUNDS_MAX         64     /* rounds of a process's happens-before
                                               fixpoint (causal memory): each adds
                                               the write orders the last one forced;
                                               past it, unknown                */
#define FL_CAUSAL_EXPLAIN_OPS_MAX    12     /* ops in a violation's chain      */

/*  Workload checks (analysis/checks.h). A check's details go into
    results.json and the report: a lossy run can lose thousands of
    elements, and a person reads the first few and the count.            */
#define FL_CHECKS_LISTED_MAX     32     /* elements, ids or examples listed
                                           per kind; the count is beside */
#define FL_CHECKS_SUBSET_WORDS_MAX (1 << 26) /* 64-bit words the counter's
                                           exact subset-sum test may touch
                                           in one history (about 50 ms);
                                           past it only the range is
                                           checked, and the details say so */

/*  Convergence (analysis/convergence.h, lab/runner.c). The final states
    of every replica go into results.json and the report: a person reads
    the first few lost or invented values and the counts.                */
#define FL_CONVERGENCE_LISTED_MAX 32    /* lost ops, invented values and
                                           differing keys listed; the
                                           count is beside each list    */
#define FL_CONVERGENCE_FINAL_ITEMS_MAX 1000 /* keys of one replica, or
                                           elements of its set, kept in
                                           "final"; a g-set of a long run
                                           holds tens of thousands, and
                                           the check itself reads all   */
#define FL_REPLICA_READ_MS       20     /* one lab_replicas poll waits this
                                           at most: a node answers
                                           replica_read from memory at
                                           once, and the client loop
                                           must not stall behind it     */
#define FL_CONVERGE_WAIT_MS      3000   /* after the load drained, the
                                           final replica read waits this
                                           long for the replicas to agree:
                                           gossip and heartbeats are
                                           100-500 ms, a few rounds fit */

/*  Scenarios and runs (scenario/, lab/, workload/).                      */
#define FL_SCENARIO_KEYS_MAX     64     /* lin-kv and kafka keys: a few keys
                                           keep the per-key checks small and
                                           contended                        */
#define FL_SCENARIO_VALUES_MAX   1000000 /* lin-kv's workload/values: writes
                                           drawn from 0..values-1 (0: every
                                           value unique)                   */
#define FL_KAFKA_FINAL_POLLS_MAX 50     /* polls one kafka client makes in
                                           the final phase, even if each
                                           brought something new: Maelstrom
                                           polls 0.2 s apart for at most
                                           10 s, 50 polls; ours go back to
                                           back, within FL_FINAL_PHASE_MS  */
#define FL_SCENARIO_PARAMS_MAX   16     /* system/params K=V passed to each node
                                           as --param; below FL_NODE_PARAMS_MAX */
#define FL_TYPE_BLOCKS_MAX       64     /* block-type faults in force at once,
                                           each its own (TYPES, FROM, TO): a
                                           figure-8 play holds five; a scenario
                                           naming more distinct ones is refused
                                           at load, ./harness fault at the 65th */
#define FL_ACTION_WORDS_MAX      8      /* "partition isolate n3" and kin: the
                                           longest action is 4 words        */
#define FL_MATRIX_SYSTEMS_MAX    32     /* --system options of ./harness matrix:
                                           more than its rows' systems is a
                                           typo repeated, refused by name   */
#define FL_NEMESIS_ACTIVE_MAX    (5 + 4 * FL_NODES_MAX + FL_TYPE_BLOCKS_MAX)
                                        /* faults in force at once: one
                                           partition, drop, delay, duplicate,
                                           reorder, and pause, kill, stop,
                                           clock-skew per node, and the type
                                           blocks; a new setting replaces the
                                           old, so this cannot be passed    */
#define FL_CLIENT_TIMEOUT_MS_DEFAULT 1000 /* a client op's timeout when the
                                           scenario gives none: raft's and
                                           primary's own timeouts are tuned
                                           to answer before it (see
                                           FL_RAFT_WAITER_TIMEOUT_MS)      */
#define FL_RUN_CHECK_TIMEOUT_S   30     /* the checker's budget inside a run:
                                           the run must end; ./harness check
                                           the history for a longer search  */
#define FL_RUN_SPECTRUM_TIMEOUT_S 5   /* each weaker model's budget in a run: the
                                           spectrum is a view, not the run's verdict,
                                           and may not hold a failing run 30 s more */
#define FL_RUN_SPECTRUM_MEMORY_MB 512  /* and its cache: a run shares the machine */
#define FL_MEASURES_ERROR_CODES_MAX 64  /* distinct error codes tallied one by
                                           one in results.json; the rest are
                                           counted together as "other"      */
#define FL_SCENARIO_LINES_MAX    4096   /* a scenario is a page, not a book */
#define FL_ZOO_ENTRIES_MAX       64     /* bug-zoo entries: each is a run of
                                           seconds, and the zoo should take
                                           minutes */
#define FL_SCENARIO_BYTES_MAX    (1024 * 1024) /* the same, in bytes: a file
                                           past it is refused, not cut    */
#define FL_SCENARIO_KINDS_MAX    32     /* fault kinds a random generator mixes */
#define FL_FAULT_TEXT_BYTES_MAX  1024   /* "partition n1,n2|n3,n4,n5" and kin:
                                           a ring of FL_NODES_MAX nodes is
                                           some 500 bytes of groups, and a
                                           block-type of FL_RULE_TYPES_MAX
                                           types of FL_TYPE_BYTES_MAX 280  */
#define FL_CLIENT_TIMEOUT_MS_MAX 60000  /* past a minute an op is just lost  */
#define FL_PROXY_READY_TIMEOUT_MS 5000  /* proxy prints its ready line by then */
#define FL_ROLE_TIMEOUT_MS       500    /* isolate-leader waits this for role_ok */
#define FL_INIT_RESEND_MS        100    /* how often the lab asks the proxy whether init reached a node (re-sent only when unroutable) */
#define FL_WARMUP_MS             3000   /* load waits this long at most for a leader */
#define FL_WARMUP_POLL_MS        20     /* between role queries while waiting */

/*  Measures and report (analysis/measures.c, report/). The report is one
    HTML file a person opens in a browser: past these sizes a page gets slow
    and nothing more can be seen at its resolution anyway.               */
#define FL_FAULT_PERIODS_MAX      100000 /* a fault per 50 ms for an hour-long run */
#define FL_TIMELINE_BUCKETS_MAX   120    /* points on a chart across ~1200 px */
#define FL_REPORT_OPS_DRAWN_MAX   20000  /* latency dots sampled from at most 1/8 of this many ops */
#define FL_REPORT_HOVER_OPS_MAX   400    /* run report: ops with their own hover text */
#define FL_REPORT_LANES_MAX       400    /* process lanes; later processes share the last lane */
#define FL_REPORT_LANES_PACK      48     /* above this many processes, retired ones' lanes are reused */
#define FL_REPORT_FAILING_MAX     64     /* failing ops marked (the checker names a few) */
#define FL_REPORT_ARROWS_MAX      300    /* messages drawn in the Lamport diagram */
#define FL_REPORT_ARROWS_BEFORE   60     /* of which at most this many before the anchor */
#define FL_REPORT_PARTIES_MAX     48     /* vertical lines in the message diagram */
#define FL_REPORT_LINKS_MAX       200    /* rows of the per-link counter table */
#define FL_REPORT_REPLICA_KEYS_MAX 24    /* keys shown as columns of the final-state table */
#define FL_REPORT_CYCLES_MAX      8      /* txn cycles drawn per check: each is an SVG of up
                                            to a few KB, and the first few show the anomaly */
#define FL_REPORT_OP_VALUE_MAX    240    /* bytes of an op's value (a txn's micro-ops) in
                                            its hover text: 400 such ops stay under 100 KB */
#define FL_REPORT_JSON_DEPTH_MAX  8      /* how deep the report looks into check details */
#define FL_REPORT_DETAILS_OPEN_MAX 256   /* parts of the details waiting to be searched
                                            (the walk's stack: no recursion); what
                                            does not fit is counted on the page  */

/*  The store browser (./harness serve: report/storeindex.c, lab/serve.c).
    It serves one person's store on 127.0.0.1, so its bounds are about a
    page a person reads and a stuck client never holding the server.     */
#define FL_SERVE_RUNS_MAX         10000  /* runs on the index; the rest are counted */
#define FL_SERVE_DEPTH_MAX        4      /* store/SCENARIO/SYSTEM/STAMP is 3 deep */
#define FL_SERVE_ENTRIES_MAX      2000   /* names in one directory's listing; the rest counted */
#define FL_SERVE_PATH_BYTES_MAX   1024   /* longest URL path taken (runs' paths are ~60) */
#define FL_SERVE_CONNECTIONS_MAX  32     /* connections at once */
#define FL_SERVE_TIMEOUT_S        30     /* an idle connection is closed after this */

/*  Raft node (nodes/raft/). Added by the raft helper.                   */
#define FL_RAFT_TICK_MS            10   /* timer resolution of elections and heartbeats */
#define FL_RAFT_BUG_SYNC_MS      1000   /* bug ack-before-fsync: the log is written once a
                                           second, as "fsync every second" stores do */
#define FL_RAFT_LOG_BYTES_MAX      (256 * 1024 * 1024) /* no compaction yet: past
                                           this the leader answers error 11
                                           rather than exhaust memory      */
#define FL_RAFT_BATCH_OPS_MAX      512  /* client ops sealed into one log entry */
#define FL_RAFT_AE_ENTRIES_MAX     256  /* entries per AppendEntries message */
#define FL_RAFT_AE_BYTES_MAX       (256 * 1024) /* entry data per message: JSON
                                           escaping may double it, still far
                                           below FL_MSG_BYTES_MAX          */
#define FL_RAFT_INFLIGHT_MAX       64   /* entries sent ahead of a follower's
                                           acknowledgement (pipelining)    */
#define FL_RAFT_WAITERS_MAX        4096 /* client ops awaiting commit per node */
#define FL_RAFT_WAITER_TIMEOUT_MS  700  /* then error 0 (indefinite), before
                                           the harness's 1 s client timeout */
#define FL_RAFT_FORWARD_TIMEOUT_MS 900  /* follower -> leader forward, all tries */
#define FL_RAFT_FORWARD_RETRY_MS   400  /* at most this long before a forward
                                           is tried again (same id: runs
                                           once); less when the leader is
                                           fast: 3 x its round trip + 20 ms */
#define FL_RAFT_OUTBOX_MAX         4096 /* messages waiting for the next fsync */
#define FL_PRIMARY_FORWARD_TIMEOUT_MS 500 /* nodes/primary.c: backup -> primary
                                           forward, then error 0 (indefinite),
                                           before the client gives up    */
#define FL_RAFT_DEDUP_IDS          65536 /* request ids remembered so a duplicated
                                           forward is not applied twice    */

/*  LWW node (nodes/lww/, bin/node-lww). Its replica lives in memory and
    is sent whole to a peer every anti-entropy round, so every part of it
    is bounded; a client request past a bound gets a definite error naming
    it (12 for an entry too large, 14 for a full replica) and changes
    nothing. Worst case: FL_LWW_KEYS_MAX x FL_LWW_ENTRY_BYTES_MAX = 32 MiB. */
#define FL_LWW_KEYS_MAX            8192   /* keys one replica holds: lin-kv
                                           uses a few (FL_SCENARIO_KEYS_MAX),
                                           tours a few names; a remote entry
                                           for a new key past it is dropped
                                           and counted, not merged          */
#define FL_LWW_ENTRY_BYTES_MAX     4096   /* a key's and its value's compact
                                           JSON text together: names like
                                           "user:alice" and small values    */
#define FL_LWW_GOSSIP_ENTRIES_MAX  128    /* entries per gossip or anti-
                                           entropy message: so a message of
                                           the largest entries, with their
                                           versions, stays below
                                           FL_MSG_BYTES_MAX (the assert
                                           below); a bigger delta or a full
                                           state goes as several messages   */
#define FL_LWW_ENTRY_OVERHEAD_BYTES 256   /* an entry's JSON beside its key and
                                           value: field names and two versions
                                           [wall, logical, "id"] of at most
                                           2 x (2 x 20 digits + FL_ID_BYTES_MAX
                                           + 6) bytes                       */
/*  Quorum node (nodes/quorum/, docs/nodes.md). Dynamo-style replication
    on every node of the cluster; what it waits for and what it keeps.    */
#define FL_QUORUM_TIMEOUT_MS       600  /* a client op waits this long for its
                                           R or W replicas (a cas: for both
                                           phases together), then error 11
                                           (read) or 0 (write, may survive),
                                           before the client's 1 s timeout */
#define FL_QUORUM_HINT_MS          200  /* hinted handoff: a hint is resent
                                           this often until acknowledged; a
                                           few tries per second heal a
                                           replica soon after a partition  */
#define FL_QUORUM_HINTS_MAX        4096 /* hints one coordinator keeps: one per
                                           (replica, key), newest version
                                           only, so lin-kv's 64 keys on 64
                                           nodes fit (63 x 64 = 4032); past it
                                           a hint is refused and counted   */
#define FL_QUORUM_KEYS_MAX         8192 /* keys one replica stores: as
                                           FL_SERVICE_KEYS_MAX; a write of a
                                           new key past it is refused       */
#define FL_QUORUM_HINTS_BATCH      64   /* hints resent per tick, so one tick
                                           never floods the proxy          */
#define FL_QUORUM_LOG_LINES_MAX    100000 /* lines of a replica's store file
                                           before it is rewritten as the
                                           store (a few MB; a minute's run
                                           at 100 writes/s is 6000 lines) */

/*  Maelstrom's services (services/, bin/lab-services, docs/services.md).
    Their state lives in memory, so every part of it is bounded; a request
    that would pass a bound gets a definite error naming it (12 for a key
    or value too large, 14 for a full table) and changes nothing. Worst
    case per key map: FL_SERVICE_KEYS_MAX x FL_SERVICE_VALUE_BYTES_MAX =
    512 MiB; lww-kv holds two maps, seq-kv one plus its window's changes. */
#define FL_SERVICE_KEYS_MAX        8192   /* keys in one state: workloads use
                                           tens; a node keeping one key per
                                           kafka message or per txn key in a
                                           minute-long run stays far below */
#define FL_SERVICE_KEY_BYTES_MAX   1024   /* a key's JSON text: keys are names
                                           like 0 or "offsets-3"            */
#define FL_SERVICE_VALUE_BYTES_MAX (64 * 1024) /* a stored value's JSON text:
                                           a g-set or a kafka log kept in one
                                           key for a whole run fits; its
                                           read_ok, escaped, still fits in
                                           FL_MSG_BYTES_MAX                 */
#define FL_SERVICE_SESSIONS_MAX    4096   /* seq-kv senders remembered (their
                                           last-seen state): more than
                                           FL_PARTIES_MAX, since an envelope's
                                           src is whatever a node writes    */
#define FL_SEQ_KV_STATES           32     /* seq-kv's window of states, as
                                           Maelstrom keeps (service.clj)    */
#define FL_SERVICE_LOG_LINE_BYTES_MAX 512 /* of an ignored message, shown in
                                           its stderr line; the rest is cut */
#define FL_SERVICES_BATCH_MAX      256    /* messages one service handles per
                                           poll turn, so one busy service does
                                           not starve the others            */
#define FL_SERVICES_POLL_MS_MAX    100    /* longest poll, so SIGTERM is seen soon */
#define FL_SERVICES_HELLO_MS       50     /* at start, each service says hello
                                           to itself through the proxy this
                                           often until one comes back       */
#define FL_SERVICES_READY_TIMEOUT_MS 5000 /* every service is reachable through
                                           the proxy by then, or lab-services
                                           exits 69                         */
#define FL_SERVICES_LINGER_MS      200    /* replies sent just before exit still go out */

/*  CRDT node (nodes/crdt/). State-based CRDTs gossip their whole state in
    one message, so the state is bounded by what one message carries.     */
#define FL_CRDT_GOSSIP_MS          100  /* a replica sends its changed state
                                           to every peer this often        */
#define FL_CRDT_ANTI_ENTROPY_MS    1000 /* and its whole state even when
                                           nothing changed, so a peer that
                                           missed a gossip (a partition, a
                                           drop) catches up within a second */
#define FL_CRDT_ELEMENT_BYTES_MAX  1024 /* JSON text of one element, register
                                           value or key: workloads send
                                           integers, tours words            */
#define FL_CRDT_REPLICA_BYTES_MAX  (FL_ID_BYTES_MAX + 24) /* a replica id
                                           "n1@1764691200000": node id, '@',
                                           the wall ms of its start        */
#define FL_CRDT_REPLICAS_MAX       256  /* entries of one counter: every node
                                           of a 64-node lab restarted three
                                           times                           */
#define FL_CRDT_COUNT_MAX          (0x7fffffffffffffffLL / FL_CRDT_REPLICAS_MAX)
                                        /* one replica's count: so the sum of
                                           FL_CRDT_REPLICAS_MAX entries never
                                           overflows int64                 */
#define FL_CRDT_KEYS_MAX           1024 /* keyed CRDTs (tours' "cart") per node */
#define FL_CRDT_STATE_BYTES_MAX    (256 * 1024) /* a client update that would
                                           take the state's JSON past this is
                                           refused (error 12): a 60 s run at
                                           100 adds/s is about 20 KiB      */
#define FL_CRDT_MERGE_BYTES_MAX    (768 * 1024) /* a gossip whose join would
                                           pass this is refused (logged): the
                                           divergent sides of a partition may
                                           each grow to the state bound, and
                                           the join must still fit one
                                           message under FL_MSG_BYTES_MAX  */

/*  Real databases (lab/database.c, nodes/etcd/, nodes/redis/): the shims
    call the database synchronously from the node's loop, so every call has
    a deadline below the client's timeout.                               */
#define FL_DB_REQUEST_MS         400    /* one etcd HTTP request or Redis
                                           command, connect included: a
                                           partitioned member answers error 0
                                           before the client gives up     */
#define FL_DB_CONNECT_MS         200    /* connecting to a member on the
                                           lab's bridge: it is local, so a
                                           slower connect is a fault      */
#define FL_DB_PATH_BYTES_MAX     4096   /* a data dir's config file path  */
#define FL_DB_REPLY_BYTES_MAX    (1024 * 1024) /* an etcd reply the shim
                                           reads: lin-kv's few keys are far
                                           below; more is refused (error 0) */
#define FL_DB_KEYS_MAX           1024   /* keys replica_read reports: lin-kv
                                           uses a handful                 */
#define FL_DB_APPLIED_MAX        1000   /* values the Redis shim keeps per
                                           key in fl:K:applied, the order
                                           its server applied them (the
                                           lost-write rule reads it):
                                           split-brain writes ~400 per key;
                                           lin-kv's FL_SCENARIO_KEYS_MAX
                                           keys x 1000 x ~8 digits stays
                                           below FL_MSG_BYTES_MAX. Older
                                           values are trimmed, and the
                                           state says how many            */

/*  The IP-level fault plane (lab/netplane.c, lab/netrules.c, bin/netqueue):
    network namespaces, nftables and the NFQUEUE helper.                 */
#define FL_DB_READY_MS           20000  /* every member of a database
                                           answers its readiness probe; etcd
                                           takes ~0.4 s, Redis with
                                           Sentinel ~1 s, on a quiet box    */
#define FL_DB_PROBE_PAUSE_MS     50     /* between two readiness probes   */
#define FL_DB_FAKETIME_CHECK_MS  2000   /* SERVER --version under libfaketime
                                           answers, or libfaketime cannot
                                           run inside it (it complains and
                                           hangs in redis-server 7)       */
#define FL_NETPLANE_CMD_MS       10000  /* one ip, nft or iptables command
                                           of the plane's setup or a fault */
#define FL_NETPLANE_SCRIPT_BYTES_MAX (256 * 1024) /* one nft script: a full
                                           cut of FL_NODES_MAX nodes is
                                           64*63 pairs of ~24 bytes       */
#define FL_NETQ_HELD_MAX         65536  /* packets bin/netqueue holds at
                                           once; past it a packet passes at
                                           once and is counted            */
#define FL_NETQ_REORDER_MS       50     /* how long a reordered packet is
                                           held while later ones pass     */

/*  Limits tuned against each other: what must answer first answers first. */
_Static_assert (FL_RAFT_WAITER_TIMEOUT_MS < FL_CLIENT_TIMEOUT_MS_DEFAULT,
                "raft answers error 0 before the client gives up on it");
_Static_assert (FL_RAFT_FORWARD_TIMEOUT_MS < FL_CLIENT_TIMEOUT_MS_DEFAULT,
                "a forwarded op is answered before the client gives up on it");
_Static_assert (FL_PRIMARY_FORWARD_TIMEOUT_MS < FL_CLIENT_TIMEOUT_MS_DEFAULT,
                "primary's backup answers a forwarded op before the client gives up on it");
_Static_assert (FL_DB_REQUEST_MS < FL_CLIENT_TIMEOUT_MS_DEFAULT,
                "a database shim answers error 0 before the client gives up on it");
_Static_assert (FL_RUN_SECONDS_MAX * 1000LL <= FL_FAKETIME_OFFSET_MS_MAX,
                "every clock-skew a scenario allows fits libfaketime's offset file");
_Static_assert (FL_KAFKA_FINAL_POLLS_MAX + 1 <= FL_FINAL_OPS_MAX,
                "a kafka client's final phase, an assign and its polls, fits its final ops");
_Static_assert (FL_QUORUM_TIMEOUT_MS < FL_CLIENT_TIMEOUT_MS_DEFAULT,
                "quorum answers a client op (error 0 or 11) before the client gives up on it");
_Static_assert (FL_SCENARIO_PARAMS_MAX <= FL_NODE_PARAMS_MAX,
                "every scenario param reaches the node");
_Static_assert (FL_CRDT_STATE_BYTES_MAX < FL_CRDT_MERGE_BYTES_MAX
                && FL_CRDT_MERGE_BYTES_MAX + 64 * 1024 < FL_MSG_BYTES_MAX,
                "a crdt node's whole state, joined after a partition, fits one gossip message");
_Static_assert (FL_LWW_GOSSIP_ENTRIES_MAX
                * (FL_LWW_ENTRY_BYTES_MAX + FL_LWW_ENTRY_OVERHEAD_BYTES)
                + 1024 < FL_MSG_BYTES_MAX,
                "an lww gossip message of the largest entries fits a message");
_Static_assert (FL_PROXY_TYPES_MAX <= 32, "a rule's type set is a uint32_t bitmask");
_Static_assert (FL_HISTORY_LINE_BYTES_MAX >= FL_MSG_BYTES_MAX + 4096,
                "a history line holds any reply's value and its op's fields");
//  Every shape of the largest cluster, and the longest type list, fit
//  a fault text whole: a ring is FL_NODES_MAX groups "nA,nB|" of ids of
//  at most 1 + 2 digits (checked below), with "ring: " before it in a
//  period's detail; a block-type names its types and two sides of ids.
_Static_assert (FL_NODES_MAX <= 99, "node ids of at most two digits");
_Static_assert (FL_FAULT_TEXT_BYTES_MAX > 16 + FL_NODES_MAX * (2 * 3 + 2),
                "a ring of FL_NODES_MAX nodes fits a fault text");
_Static_assert (FL_FAULT_TEXT_BYTES_MAX > 32 + FL_RULE_TYPES_MAX * (FL_TYPE_BYTES_MAX + 1)
                                          + 2 * FL_NODES_MAX * 4,
                "a block-type of every type, from every node to every node, fits");
_Static_assert (FL_RULE_TYPES_MAX <= FL_PROXY_TYPES_MAX, "one request fits the registry");
_Static_assert (2 * (2 * 20 + FL_ID_BYTES_MAX + 6) + 64 <= FL_LWW_ENTRY_OVERHEAD_BYTES,
                "an lww entry's two versions and field names fit its overhead");

#endif

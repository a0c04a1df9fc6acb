-- wrk script: cycle over the request paths listed in a file (one per line) and
-- count responses by status, so the bench can compare them with what the
-- database recorded.
-- Usage: wrk -s rotate.lua URL -- PATHS_FILE [once CONNECTIONS_PER_THREAD DONE_FILE_PREFIX]
-- Every request carries a mail client's User-Agent: the routes classify it as a person's.
-- "once": every thread starts at the first path and walks the list once, so that the
-- connections of all threads hit the same paths together; a connection that finds the list
-- exhausted asks the bench's no-op route (204, not counted) until its thread's last
-- response has arrived, then the thread stops. A request that failed (the server's listen
-- queue overflowed, the connection was dropped) gets no response: the thread also stops once
-- each of its connections has had time to come back to the no-op route twice. A stopped
-- thread creates DONE_FILE_PREFIX<thread number>: wrk itself runs for its whole duration, so
-- the bench interrupts it (SIGINT: wrk then reports) once every thread is done.
local threads = {}
local thread_count = 0
local USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.5.0"
local PADDING_PATH = "/email_history_bench/done"

function setup(thread)
   thread_count = thread_count + 1
   thread:set("thread_no", thread_count)
   table.insert(threads, thread)
end

function init(args)
   wrk.headers["User-Agent"] = USER_AGENT
   local reqs = {}
   for line in io.lines(args[1]) do
      if #line > 0 then
         reqs[#reqs + 1] = wrk.format("GET", line)
      end
   end
   requests_list = reqs
   once = args[2] == "once"
   connections = tonumber(args[3] or "1")
   done_file = args[4]
   padding = wrk.format("GET", PADDING_PATH)
   if once then
      position = 0
   else
      -- threads start at different places so they do not hit the same token in lockstep
      position = ((thread_no or 1) - 1) * 499 % #reqs
   end
   issued, answered, padded = 0, 0, 0
   s200, s301, s302, s404, s_other = 0, 0, 0, 0, 0
end

function request()
   if once and issued >= #requests_list then
      return padding
   end
   issued = issued + 1
   position = position % #requests_list + 1
   return requests_list[position]
end

function response(status, headers, body)
   if status == 204 then
      padded = padded + 1
   elseif status == 200 then s200 = s200 + 1
   elseif status == 302 then s302 = s302 + 1
   elseif status == 301 then s301 = s301 + 1
   elseif status == 404 then s404 = s404 + 1
   else s_other = s_other + 1 end
   if status ~= 204 then answered = answered + 1 end
   if once and not stopped and (answered >= #requests_list or padded >= 2 * connections) then
      stopped = true
      io.open(done_file .. thread_no, "w"):close()
      wrk.thread:stop()
   end
end

function done(summary, latency, requests)
   local t = {s200 = 0, s301 = 0, s302 = 0, s404 = 0, s_other = 0, issued = 0}
   for _, thread in ipairs(threads) do
      for key, _ in pairs(t) do
         t[key] = t[key] + thread:get(key)
      end
   end
   io.write(string.format(
      "BENCH_RESULT requests=%d duration_us=%d issued=%d s200=%d s301=%d s302=%d s404=%d s_other=%d "
      .. "err_connect=%d err_read=%d err_write=%d err_timeout=%d err_status=%d "
      .. "lat_p50_us=%d lat_p99_us=%d\n",
      summary.requests, summary.duration, t.issued, t.s200, t.s301, t.s302, t.s404, t.s_other,
      summary.errors.connect, summary.errors.read, summary.errors.write,
      summary.errors.timeout, summary.errors.status,
      latency:percentile(50), latency:percentile(99)))
end

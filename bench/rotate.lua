-- wrk script: cycle over the request paths listed in a file (one per line) and
-- count responses by status, so the bench can compare them with what the
-- database recorded.  Usage: wrk -s rotate.lua URL -- PATHS_FILE
local threads = {}
local thread_count = 0

function setup(thread)
   thread_count = thread_count + 1
   thread:set("thread_no", thread_count)
   table.insert(threads, thread)
end

function init(args)
   local reqs = {}
   for line in io.lines(args[1]) do
      if #line > 0 then
         reqs[#reqs + 1] = wrk.format("GET", line)
      end
   end
   requests_list = reqs
   -- threads start at different places so they do not hit the same token in lockstep
   position = ((thread_no or 1) - 1) * 499 % #reqs
   s200, s301, s302, s404, s_other = 0, 0, 0, 0, 0
end

function request()
   position = position % #requests_list + 1
   return requests_list[position]
end

function response(status, headers, body)
   if status == 200 then s200 = s200 + 1
   elseif status == 302 then s302 = s302 + 1
   elseif status == 301 then s301 = s301 + 1
   elseif status == 404 then s404 = s404 + 1
   else s_other = s_other + 1 end
end

function done(summary, latency, requests)
   local t = {s200 = 0, s301 = 0, s302 = 0, s404 = 0, s_other = 0}
   for _, thread in ipairs(threads) do
      for key, _ in pairs(t) do
         t[key] = t[key] + thread:get(key)
      end
   end
   io.write(string.format(
      "BENCH_RESULT requests=%d duration_us=%d s200=%d s301=%d s302=%d s404=%d s_other=%d "
      .. "err_connect=%d err_read=%d err_write=%d err_timeout=%d err_status=%d "
      .. "lat_p50_us=%d lat_p99_us=%d\n",
      summary.requests, summary.duration, t.s200, t.s301, t.s302, t.s404, t.s_other,
      summary.errors.connect, summary.errors.read, summary.errors.write,
      summary.errors.timeout, summary.errors.status,
      latency:percentile(50), latency:percentile(99)))
end

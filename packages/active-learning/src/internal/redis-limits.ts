import type { StrategyLimit } from './config.js';
import { windowKeys } from './windows.js';

/** The one Redis call this needs; an ioredis client fits (`redis.eval(script, numKeys, ...args)`). */
export interface RedisLike {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

const TTL_S = [120, 7200, 90_000];

// KEYS: 3 per candidate (minute, hour, day). ARGV: 3 TTLs, then 3 limits per candidate (-1 = none).
// Returns the 1-based index of the first candidate with credit (its windows incremented), or 0.
const TAKE = `
local n = #KEYS / 3
local function usage(k)
  local v = redis.call('GET', k)
  if not v then return 0 end
  local ok, d = pcall(cjson.decode, v)
  if ok and type(d) == 'table' and tonumber(d.usage) then return tonumber(d.usage) end
  return 0
end
for i = 1, n do
  local ok = true
  for w = 1, 3 do
    local limit = tonumber(ARGV[3 + (i - 1) * 3 + w])
    if limit >= 0 and usage(KEYS[(i - 1) * 3 + w]) >= limit then ok = false end
  end
  if ok then
    for w = 1, 3 do
      local k = KEYS[(i - 1) * 3 + w]
      redis.call('SET', k, cjson.encode({usage = usage(k) + 1}), 'EX', tonumber(ARGV[w]))
    end
    return i
  end
end
return 0
`;

// KEYS: the 3 windows of one strategy. Decrements existing counters (floor 0), keeping their TTL.
const GIVE_BACK = `
for w = 1, 3 do
  local v = redis.call('GET', KEYS[w])
  if v then
    local ok, d = pcall(cjson.decode, v)
    local u = (ok and type(d) == 'table' and tonumber(d.usage)) or 0
    redis.call('SET', KEYS[w], cjson.encode({usage = math.max(0, u - 1)}), 'KEEPTTL')
  end
end
return 1
`;

const redisKey = (ws: string, project: string, strategy: string, infix: string) =>
  `active_learning:usage:${ws}:${project}:${strategy}:${infix}`;

/**
 * Limit counters shared by every instance on one Redis, under Roboflow's keys
 * (`active_learning:usage:{workspace}:{project}:{strategy}:{infix}`, value
 * `{"usage": n}`, TTLs 120 s / 2 h / 25 h). Check and consume run as one Lua
 * script, which Redis executes atomically (Roboflow takes a lock instead).
 */
export class RedisLimits {
  readonly #redis: RedisLike;

  constructor(redis: RedisLike) {
    this.#redis = redis;
  }

  async takeFirst<S extends { name: string; limits: readonly StrategyLimit[] }>(
    workspace: string,
    project: string,
    candidates: readonly S[],
    now: number,
  ): Promise<S | undefined> {
    if (candidates.length === 0) return undefined;
    const infixes = windowKeys(now).map((k) => k.infix);
    const keys = candidates.flatMap((s) => infixes.map((i) => redisKey(workspace, project, s.name, i)));
    const limits = candidates.flatMap((s) =>
      (['minutely', 'hourly', 'daily'] as const).map((w) => {
        const l = s.limits.filter((x) => x.type === w);
        return l.length === 0 ? -1 : Math.min(...l.map((x) => x.value));
      }),
    );
    const i = Number(await this.#redis.eval(TAKE, keys.length, ...keys, ...TTL_S, ...limits));
    return i > 0 ? candidates[i - 1] : undefined;
  }

  async giveBack(workspace: string, project: string, strategy: string, now: number): Promise<void> {
    const keys = windowKeys(now).map((k) => redisKey(workspace, project, strategy, k.infix));
    await this.#redis.eval(GIVE_BACK, keys.length, ...keys);
  }
}

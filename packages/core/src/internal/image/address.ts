import { isIP } from 'node:net';

// Address ranges a server-side fetch must not reach when private addresses
// are refused (SSRF guard): loopback, RFC 1918, CGNAT, link-local (cloud
// metadata lives at 169.254.169.254), multicast, reserved and documentation
// ranges. IPv6 forms that embed an IPv4 address are checked by that address.
const BLOCKED_V4: ReadonlyArray<readonly [number, number]> = [
  [0x00000000, 8], // 0.0.0.0/8 "this network"
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10 carrier-grade NAT
  [0x7f000000, 8], // 127/8 loopback
  [0xa9fe0000, 16], // 169.254/16 link-local
  [0xac100000, 12], // 172.16/12
  [0xc0000000, 24], // 192.0.0/24 IETF protocol assignments
  [0xc0000200, 24], // 192.0.2/24 TEST-NET-1
  [0xc0a80000, 16], // 192.168/16
  [0xc6120000, 15], // 198.18/15 benchmarking
  [0xc6336400, 24], // 198.51.100/24 TEST-NET-2
  [0xcb007100, 24], // 203.0.113/24 TEST-NET-3
  [0xe0000000, 4], // 224/4 multicast
  [0xf0000000, 4], // 240/4 reserved and broadcast
];

function parseV4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

function blockedV4(n: number): boolean {
  for (const [base, bits] of BLOCKED_V4) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if ((n & mask) >>> 0 === base) return true;
  }
  return false;
}

/** Expands an IPv6 literal (with `::`, an embedded dotted quad or a zone id) to 8 groups. */
function parseV6(s: string): number[] | undefined {
  let text = s.replace(/%.*$/, '').toLowerCase();
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    // Rewrite a trailing dotted quad ("::ffff:1.2.3.4") as two hex groups.
    const v4 = parseV4(last);
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): number[] =>
    h === ''
      ? []
      : h.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? Number.parseInt(g, 16) : Number.NaN));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  const fill = 8 - head.length - rest.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...rest];
  return all.every((g) => !Number.isNaN(g)) ? all : undefined;
}

function blockedV6(g: number[]): boolean {
  const v4 = (hi: number, lo: number): number => ((hi << 16) >>> 0) + lo;
  const zeros = (from: number, to: number): boolean => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 8)) return true; // ::
  if (zeros(0, 7) && g[7] === 1) return true; // ::1
  if (zeros(0, 5) && g[5] === 0xffff) return blockedV4(v4(g[6], g[7])); // ::ffff:a.b.c.d mapped
  if (zeros(0, 6)) return blockedV4(v4(g[6], g[7])); // ::a.b.c.d compatible (deprecated)
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return blockedV4(v4(g[6], g[7])); // NAT64
  if (g[0] === 0x2002) return blockedV4(v4(g[1], g[2])); // 6to4
  if ((g[0] & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((g[0] & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((g[0] & 0xffc0) === 0xfec0) return true; // fec0::/10 site-local (deprecated)
  if ((g[0] & 0xff00) === 0xff00) return true; // multicast
  if (g[0] === 0x2001 && g[1] === 0x0db8) return true; // documentation
  return false;
}

/**
 * True when an IP address is loopback, private, link-local, unique-local or
 * otherwise not a public unicast address; unparseable input counts as private.
 * @example isPrivateAddress('10.1.2.3') // true
 * @example isPrivateAddress('::ffff:127.0.0.1') // true
 * @example isPrivateAddress('8.8.8.8') // false
 */
export function isPrivateAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(bare.replace(/%.*$/, ''));
  if (family === 4) return blockedV4(parseV4(bare)!);
  if (family === 6) {
    const groups = parseV6(bare);
    return groups === undefined ? true : blockedV6(groups);
  }
  return true;
}

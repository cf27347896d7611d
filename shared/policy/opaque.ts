import { BlockList, isIP } from 'node:net';
import { compilePattern, matchPattern } from './pattern.js';

/**
 * Concrete comparison for the operators that are not string patterns. `true` means "the request value
 * matches this policy value"; negated operators (NotEquals, NotIpAddress) are inverted by the caller.
 */
export function compareOpaque(base: string, requestValue: string, policyValue: string): boolean {
  if (base.startsWith('Numeric'))
    return ordered(base.slice('Numeric'.length), Number(requestValue), Number(policyValue));
  if (base.startsWith('Date'))
    return ordered(base.slice('Date'.length), toTime(requestValue), toTime(policyValue));
  if (base === 'IpAddress' || base === 'NotIpAddress') return inRange(requestValue, policyValue);
  if (base === 'BinaryEquals') return requestValue === policyValue;
  if (base.startsWith('Arn')) return arnMatches(requestValue, policyValue);
  return false;
}

/** ARN matching: `arn:partition:service:region:account:resource`, each part a glob of its own. */
function arnMatches(value: string, pattern: string): boolean {
  const parts = (text: string) => {
    const split = text.split(':');
    return split.length < 6 ? undefined : [...split.slice(0, 5), split.slice(5).join(':')];
  };
  const v = parts(value);
  const p = parts(pattern);
  if (!v || !p || v[0] !== 'arn') return false;
  const options = { wildcards: true, ignoreCase: false, variables: false };
  return p.every((part, i) => matchPattern(compilePattern(part, options), v[i] as string));
}

function ordered(relation: string, a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  switch (relation) {
    case 'Equals':
    case 'NotEquals':
      return a === b;
    case 'LessThan':
      return a < b;
    case 'LessThanEquals':
      return a <= b;
    case 'GreaterThan':
      return a > b;
    case 'GreaterThanEquals':
      return a >= b;
    default:
      return false;
  }
}

function toTime(value: string): number {
  return /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
}

function inRange(ip: string, cidr: string): boolean {
  const family = isIP(ip);
  const [network, bits] = cidr.split('/');
  if (!family || !network || isIP(network) !== family) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  list.addSubnet(network, bits === undefined ? (family === 4 ? 32 : 128) : Number(bits), type);
  return list.check(ip, type);
}

import type { Config } from '../config/config.js';
import type { User } from '../inventory/snapshot.js';
import type { Baseline } from './baseline.js';

/** A user is a CI user when the baseline lists it, or its path, tag or name says so. */
export function isCiUser(user: User, config: Config, baseline?: Baseline): boolean {
  const { pathPrefix, tag, namePatterns } = config.ciUsers;
  return (
    (baseline?.ciUsers.includes(user.name) ?? false) ||
    user.path.startsWith(pathPrefix) ||
    user.tags[tag.key] === tag.value ||
    namePatterns.some((p) => new RegExp(p).test(user.name))
  );
}

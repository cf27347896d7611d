import type { Role } from '../../inventory/snapshot.js';
import { actionMatches } from '../../policy/applies.js';

export const ADMINISTRATOR_ACCESS = 'arn:aws:iam::aws:policy/AdministratorAccess';

interface PermissionStatement {
  policy: string;
  actions: string[];
  resources: string[];
}

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];

/** The Allow statements of a role's inline and customer-managed policies (the documents collected). */
export function allowStatements(role: Role): PermissionStatement[] {
  const documents = [
    ...(role.inlinePolicies ?? []).map((p) => ({ policy: p.name, document: p.document })),
    ...(role.attachedPolicies ?? [])
      .filter((p) => p.document !== undefined)
      .map((p) => ({ policy: p.arn, document: p.document })),
  ];
  return documents.flatMap(({ policy, document }) => {
    const statements = (document as { Statement?: unknown })?.Statement;
    return (
      (Array.isArray(statements) ? statements : statements ? [statements] : [])
        .filter(
          (s): s is Record<string, unknown> => typeof s === 'object' && s !== null && s.Effect === 'Allow',
        )
        // NotAction and NotResource allow nearly everything: counted as `*`.
        .map((s) => ({
          policy,
          actions: s.NotAction !== undefined ? ['*'] : list(s.Action),
          resources: s.NotResource !== undefined ? ['*'] : list(s.Resource),
        }))
    );
  });
}

/** Statements whose actions include `action` (wildcards as IAM reads them). */
export function grants(role: Role, action: string): PermissionStatement[] {
  return allowStatements(role).filter((s) => s.actions.some((a) => actionMatches(a, action)));
}

import { clauseHoldsFor } from '../policy/admits.js';
import type { Token } from '../policy/model.js';
import { operatorInfo, parseOperator } from '../policy/operators.js';
import type { IacRole, SourcePosition } from './model.js';
import { partsOf, pointerOf } from './pointer.js';

/**
 * Where in the source a finding points: the condition value it names (`statement`, `operator`, `key`,
 * `value` in its evidence), the positive condition value that lets its witness in, or the statement;
 * the role's own position when the parser knows nothing closer.
 */
export function findingPosition(
  role: IacRole,
  evidence: Record<string, unknown>,
): SourcePosition | undefined {
  const pointer = findingPointer(role.document, evidence);
  return (pointer !== undefined && nearestPosition(role, pointer)) || role.position;
}

function findingPointer(document: unknown, evidence: Record<string, unknown>): string | undefined {
  if (!isObject(document)) return undefined;
  const raw = document.Statement;
  const statements = Array.isArray(raw) ? raw : [raw];
  const statementPointer = (i: number) => (Array.isArray(raw) ? pointerOf(['Statement', i]) : '/Statement');
  const values = conditionValues(statements, statementPointer);
  const index = typeof evidence.statement === 'number' ? evidence.statement : undefined;
  const inStatement = values.filter((v) => index === undefined || v.statement === index);
  const named = inStatement.find(
    (v) =>
      (evidence.value === undefined || v.value === evidence.value) &&
      (evidence.key === undefined || v.key === evidence.key) &&
      (evidence.operator === undefined || v.operator === evidence.operator),
  );
  if (named && (evidence.value !== undefined || evidence.key !== undefined))
    return evidence.value === undefined ? named.keyPointer : named.pointer;
  const witness = evidence.witness as Token | undefined;
  if (witness?.claims) {
    const version = typeof document.Version === 'string' ? document.Version : undefined;
    const letIn = inStatement.find((v) => {
      const parts = parseOperator(v.operator);
      if (!parts || operatorInfo(parts.base)?.negated || !/:sub$/i.test(v.key)) return false;
      return clauseHoldsFor(
        { operator: v.operator, ...parts, key: v.key, values: [v.value] },
        witness,
        version,
      );
    });
    if (letIn) return letIn.pointer;
  }
  return index === undefined ? undefined : statementPointer(index);
}

interface ConditionValue {
  statement: number;
  operator: string;
  key: string;
  value: string;
  pointer: string;
  keyPointer: string;
}

function conditionValues(statements: unknown[], statementPointer: (i: number) => string): ConditionValue[] {
  return statements.flatMap((s, statement) => {
    if (!isObject(s) || !isObject(s.Condition)) return [];
    return Object.entries(s.Condition).flatMap(([operator, block]) =>
      isObject(block)
        ? Object.entries(block).flatMap(([key, list]) => {
            const keyPointer = `${statementPointer(statement)}${pointerOf(['Condition', operator, key])}`;
            const at = (value: unknown, pointer: string) =>
              typeof value === 'string' ? [{ statement, operator, key, value, pointer, keyPointer }] : [];
            return Array.isArray(list)
              ? list.flatMap((v, i) => at(v, `${keyPointer}${pointerOf([i])}`))
              : at(list, keyPointer);
          })
        : [],
    );
  });
}

/** The position of the pointer, or of the closest enclosing value whose position is known. */
function nearestPosition(role: IacRole, pointer: string): SourcePosition | undefined {
  const parts = partsOf(pointer);
  for (let n = parts.length; n >= 0; n--) {
    const found = role.valuePositions[pointerOf(parts.slice(0, n))];
    if (found) return found;
  }
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `activity-scan` → `ActivityScan`, for construct ids. */
export const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());

/** `IamChanges` → `iam-changes`, for resource names. */
export const kebab = (id: string) =>
  id.replace(/[A-Z]/g, (c, i: number) => `${i ? '-' : ''}${c.toLowerCase()}`);

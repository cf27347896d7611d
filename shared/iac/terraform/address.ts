/** Terraform addresses and references, as plan JSON writes them. */

const INDEX = String.raw`\[(?:"(?:[^"\\]|\\.)*"|\d+)\]`;
const MODULE_STEP = new RegExp(String.raw`module\.([A-Za-z_][\w-]*)(?:${INDEX})?\.?`, 'gy');
const POLICY_DOCUMENT_REFERENCE = new RegExp(
  String.raw`^data\.aws_iam_policy_document\.([A-Za-z_][\w-]*)(${INDEX})?(?:\.(?:json|minified_json))?$`,
);

/** The module call names along a module address: `module.ci["x"].module.roles` → `["ci", "roles"]`. */
export function moduleCallNames(moduleAddress: string | undefined): string[] {
  if (!moduleAddress) return [];
  MODULE_STEP.lastIndex = 0;
  const names: string[] = [];
  for (let step = MODULE_STEP.exec(moduleAddress); step; step = MODULE_STEP.exec(moduleAddress)) {
    names.push(step[1] as string);
  }
  return names;
}

/** An index as the address writes it (`["p1"]`, `[0]`), from the plan's `index` field. */
export function indexSuffix(index: string | number | undefined): string {
  return index === undefined ? '' : `[${JSON.stringify(index)}]`;
}

export interface PolicyDocumentReference {
  name: string;
  /** `["key"]` or `[0]` when the reference names one instance. */
  index?: string;
}

/** `data.aws_iam_policy_document.x`, `…x.json`, `…x["k"].json` → the data source named, else undefined. */
export function policyDocumentReference(reference: string): PolicyDocumentReference | undefined {
  const match = POLICY_DOCUMENT_REFERENCE.exec(reference);
  if (!match) return undefined;
  return match[2] ? { name: match[1] as string, index: match[2] } : { name: match[1] as string };
}

/** The most specific of Terraform's references (it lists `a.b.c`, then `a.b`): those no other one extends. */
export function mostSpecific(references: string[]): string[] {
  const unique = [...new Set(references)];
  return unique.filter(
    (r) => !unique.some((other) => other !== r && (other.startsWith(`${r}.`) || other.startsWith(`${r}[`))),
  );
}

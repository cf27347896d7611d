import { IacParseError, type IacRole } from '../model.js';
import { DEFAULT_PARTITION, ownAccountProviderArn } from '../oidc-provider.js';
import { parseHcl } from './hcl-parse.js';
import { fromHcl } from './hcl-value.js';
import { providerReference, type ResolveReference } from './oidc-providers.js';
import { isJsonObject, type JsonObject, withoutByteOrderMark } from './plan-json.js';
import { renderPolicyDocument } from './policy-document.js';
import { type BlockSpan, findBlock, stringPositions } from './source-positions.js';
import { literalText, soleCallArgument, soleExpression } from './template.js';
import { fromJsonTemplate } from './template-json.js';
import { afterPlan, isObject, type TfObject, type TfValue, toIacDocument, Unresolved } from './value.js';

/**
 * Trust policies in Terraform configuration (`.tf` files), read without planning: a policy written as
 * `jsonencode` of literals, a heredoc or a JSON string, or an `aws_iam_policy_document` of literals,
 * reads exactly; whatever Terraform would have to evaluate is unknown, "known after plan". Read anyway:
 * the ARN of an `aws_iam_openid_connect_provider` of the files whose `url` is written literally (see
 * `providerArns`), and the attributes of `data.aws_partition`, in the default partition as
 * CloudFormation's `AWS::Partition` is (see `partitionAttribute`).
 */

export interface TerraformFile {
  file: string;
  text: string;
}

interface Declared {
  file: string;
  text: string;
  name: string;
  block: Record<string, unknown>;
  /** Merged with a block of an override file: its values are no longer all written where it is. */
  overridden?: boolean;
}

/**
 * Every `aws_iam_role` of the files (one module: a directory's `.tf` files, which may refer to each
 * other's data sources), and every `aws_iam_policy_document` that is a trust policy no role of theirs
 * uses (written for a role elsewhere, such as a module's input). A role with `count` or `for_each` is
 * one role, `aws_iam_role.NAME`: its instances are only known after plan, and all share its policy.
 */
export async function readTerraformConfig(files: TerraformFile[]): Promise<IacRole[]> {
  // Parsing takes milliseconds per kilobyte: a file that names neither block type holds neither.
  const relevant = files
    .map((f) => ({ file: f.file, text: withoutByteOrderMark(f.text) }))
    .filter((f) => [ROLE_TYPE, POLICY_TYPE, PROVIDER_TYPE].some((type) => f.text.includes(type)));
  const parsed = await Promise.all(
    relevant.map(async (f) => ({ ...f, body: await parseHcl(f.file, f.text) })),
  );
  const roles = declared(parsed, 'resource', ROLE_TYPE);
  const providers = providerArns(
    declared(parsed, 'resource', PROVIDER_TYPE),
    declared(parsed, 'data', PROVIDER_TYPE),
  );
  const reader = new ConfigReader(declared(parsed, 'data', POLICY_TYPE), providers);
  const out: IacRole[] = [];
  for (const role of roles) out.push(await reader.role(role));
  const used = reader.renderedNames();
  for (const document of reader.documents.values()) {
    if (!used.has(document.name) && isTrustPolicy(reader.render(document.name).value)) {
      out.push(reader.documentRole(document));
    }
  }
  // The parser orders blocks by name; a reader expects them in the order they are written.
  const fileOrder = new Map(files.map((f, i) => [f.file, i]));
  return out.sort(
    (a, b) =>
      (fileOrder.get(a.file) ?? 0) - (fileOrder.get(b.file) ?? 0) ||
      (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
      (a.position?.column ?? 0) - (b.position?.column ?? 0),
  );
}

function declared(
  parsed: (TerraformFile & { body: Record<string, unknown> })[],
  kind: 'resource' | 'data',
  type: string,
): Declared[] {
  const found = new Map<string, Declared>();
  // Override files come last, in name order; each of their blocks merges into the one it overrides.
  const ordered = [
    ...parsed.filter((p) => !isOverride(p.file)),
    ...parsed
      .filter((p) => isOverride(p.file))
      .sort((a, b) => (baseName(a.file) < baseName(b.file) ? -1 : 1)),
  ];
  for (const { file, text, body } of ordered) {
    const byType = body[kind];
    const byName = isJsonObject(byType) ? byType[type] : undefined;
    if (!isJsonObject(byName)) continue;
    for (const [name, blocks] of Object.entries(byName)) {
      const label = `${kind} "${type}" "${name}"`;
      const first = found.get(name);
      if (!Array.isArray(blocks) || !blocks.every(isJsonObject)) {
        throw new IacParseError(`${file}: ${label}: expected a block`);
      }
      if (isOverride(file)) {
        if (!first) throw new IacParseError(`${file}: ${label} overrides a block no other file declares`);
        // An argument replaces the one it overrides; blocks of a type replace all blocks of that type.
        for (const block of blocks) first.block = { ...first.block, ...block };
        first.overridden = true;
        continue;
      }
      if (first || blocks.length > 1) {
        throw new IacParseError(
          `${file}: ${label} is declared twice${first ? ` (also in ${first.file})` : ''}`,
        );
      }
      found.set(name, { file, text, name, block: blocks[0] as JsonObject });
    }
  }
  return [...found.values()];
}

const ROLE_TYPE = 'aws_iam_role';
const POLICY_TYPE = 'aws_iam_policy_document';
const PROVIDER_TYPE = 'aws_iam_openid_connect_provider';
// Meta-arguments: they say how many instances there are and when, never what a policy holds.
const META_ARGUMENTS = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle']);
const STATEMENT_ARGUMENTS = new Set([
  'sid',
  'effect',
  'actions',
  'not_actions',
  'resources',
  'not_resources',
]);
const STATEMENT_BLOCKS: Record<string, Set<string>> = {
  principals: new Set(['type', 'identifiers']),
  not_principals: new Set(['type', 'identifiers']),
  condition: new Set(['test', 'variable', 'values']),
};
const DOCUMENT_ARGUMENTS = new Set(['version', 'policy_id', 'override_json', 'source_json']);
const DOCUMENT_LISTS = new Set(['source_policy_documents', 'override_policy_documents']);
const POLICY_DOCUMENT =
  /^data\.aws_iam_policy_document\.([A-Za-z_][\w-]*)(?:\[[^\]]*\])?\.(?:json|minified_json)$/;

interface Rendered {
  value: TfValue;
  /** The data source the policy was written in, when it was. */
  from?: Declared;
}

class ConfigReader {
  readonly documents: Map<string, Declared>;
  private readonly rendered = new Map<string, TfValue>();
  private readonly rendering = new Set<string>();

  constructor(
    documents: Declared[],
    private readonly resolve: ResolveReference,
  ) {
    this.documents = new Map(documents.map((d) => [d.name, d]));
  }

  async role(role: Declared): Promise<IacRole> {
    const id = `aws_iam_role.${role.name}`;
    const where = `${role.file}: ${id}`;
    const span = findBlock(role.text, 'resource', 'aws_iam_role', role.name);
    const policy = role.block.assume_role_policy;
    if (typeof policy !== 'string') {
      throw new IacParseError(`${where}: assume_role_policy: expected a policy document`, span?.position);
    }
    const { value, from } = await this.policy(policy, role.file, `${where}: assume_role_policy`);
    // Value positions are in the role's file: a policy document in another file has none here.
    let source = role.overridden ? undefined : span;
    if (from) {
      const here = from.file === role.file && !from.overridden;
      source = here ? findBlock(from.text, 'data', POLICY_TYPE, from.name) : undefined;
    }
    const result = this.result(role.file, id, value, role.text, span, source);
    const name = typeof role.block.name === 'string' ? literalText(role.block.name) : undefined;
    if (name) result.roleName = name;
    return result;
  }

  documentRole(document: Declared): IacRole {
    const span = findBlock(document.text, 'data', POLICY_TYPE, document.name);
    const value = this.render(document.name).value;
    return this.result(
      document.file,
      `data.${POLICY_TYPE}.${document.name}`,
      value,
      document.text,
      span,
      document.overridden ? undefined : span,
    );
  }

  private result(
    file: string,
    id: string,
    value: TfValue,
    text: string,
    span: BlockSpan | undefined,
    source: BlockSpan | undefined,
  ): IacRole {
    const { document, unknowns, written } = toIacDocument(value);
    const role: IacRole = { file, id, document, unknowns, valuePositions: {} };
    if (span) role.position = span.position;
    if (source) role.valuePositions = stringPositions(document, written, text, source);
    return role;
  }

  private async policy(policy: string, file: string, where: string): Promise<Rendered> {
    const expression = soleExpression(policy);
    if (expression === undefined) return { value: fromJsonTemplate(policy, where, this.resolve) };
    const argument = soleCallArgument(expression, 'jsonencode');
    if (argument !== undefined) {
      const body = await parseHcl(file, `value = ${argument}\n`);
      return { value: fromHcl(body.value, where, this.resolve) };
    }
    const name = POLICY_DOCUMENT.exec(expression)?.[1];
    if (name === undefined) return { value: new Unresolved(afterPlan(expression), [expression]) };
    if (!this.documents.has(name)) {
      return { value: new Unresolved(`\`${expression}\` (declared in none of the files read)`) };
    }
    return this.render(name);
  }

  /** The data sources rendered so far: those the roles read, directly or as source documents. */
  renderedNames(): Set<string> {
    return new Set(this.rendered.keys());
  }

  render(name: string): Rendered {
    const document = this.documents.get(name) as Declared;
    const done = this.rendered.get(name);
    if (done !== undefined) return { value: done, from: document };
    const where = `${document.file}: data.${POLICY_TYPE}.${name}`;
    if (this.rendering.has(name))
      throw new IacParseError(`${where}: refers to itself through its source documents`);
    this.rendering.add(name);
    const value = renderPolicyDocument(this.documentArguments(document.block, where), where);
    this.rendering.delete(name);
    this.rendered.set(name, value);
    return { value, from: document };
  }

  private documentArguments(block: Record<string, unknown>, where: string): TfObject {
    const args: TfObject = {};
    let dynamic: Record<string, Unresolved[]> = {};
    for (const [key, value] of Object.entries(block)) {
      if (META_ARGUMENTS.has(key)) continue;
      if (key === 'statement') {
        args.statement = blockList(value, `${where}: statement`).map((s, i) =>
          this.statement(s, `${where}: statement[${i}]`),
        );
      } else if (key === 'dynamic') dynamic = dynamicBlocks(value, ['statement'], where);
      else if (DOCUMENT_LISTS.has(key)) args[key] = this.documentList(value, `${where}: ${key}`);
      else if (DOCUMENT_ARGUMENTS.has(key)) args[key] = fromHcl(value, `${where}: ${key}`, this.resolve);
      else throw unsupported(key, where);
    }
    return withDynamic(args, dynamic);
  }

  private statement(block: Record<string, unknown>, where: string): TfValue {
    const out: TfObject = {};
    let dynamic: Record<string, Unresolved[]> = {};
    for (const [key, value] of Object.entries(block)) {
      const attributes = STATEMENT_BLOCKS[key];
      if (attributes) {
        out[key] = blockList(value, `${where}.${key}`).map((b, i) =>
          argumentsOf(b, attributes, `${where}.${key}[${i}]`, this.resolve),
        );
      } else if (key === 'dynamic') dynamic = dynamicBlocks(value, Object.keys(STATEMENT_BLOCKS), where);
      else if (STATEMENT_ARGUMENTS.has(key)) out[key] = fromHcl(value, `${where}.${key}`, this.resolve);
      else throw unsupported(key, where);
    }
    return withDynamic(out, dynamic);
  }

  private documentList(value: unknown, where: string): TfValue {
    if (typeof value === 'string') return this.documentText(value, where);
    if (!Array.isArray(value)) throw new IacParseError(`${where}: must be a list of policy documents`);
    return value.map((item, i) =>
      typeof item === 'string'
        ? this.documentText(item, `${where}[${i}]`)
        : fromHcl(item, where, this.resolve),
    );
  }

  /** One policy document given as text: a reference to a data source of the files is that document. */
  private documentText(text: string, where: string): TfValue {
    const expression = soleExpression(text);
    if (expression === undefined) return fromJsonTemplate(text, where, this.resolve);
    const name = POLICY_DOCUMENT.exec(expression)?.[1];
    return name !== undefined && this.documents.has(name)
      ? this.render(name).value
      : new Unresolved(afterPlan(expression));
  }
}

/**
 * The ARN of an `aws_iam_openid_connect_provider` of the files, or of a `data
 * "aws_iam_openid_connect_provider"` looked up by `url`, when that `url` is written literally: IAM names
 * the provider by its URL, in the role's own account (see `OWN_ACCOUNT`), and the partition is the
 * default one (the engine reads only what follows `oidc-provider/`). A `count` or `for_each` block is
 * read through an index, the same URL for every instance; a `url` that needs evaluation stays unknown.
 */
function providerArns(resources: Declared[], dataSources: Declared[]): ResolveReference {
  const byMode = {
    managed: new Map(resources.map((d) => [d.name, d])),
    data: new Map(dataSources.map((d) => [d.name, d])),
  };
  return (expression) => {
    const reference = providerReference(expression);
    const provider = reference && byMode[reference.mode].get(reference.name)?.block;
    if (!reference || !provider) return undefined;
    // Terraform refers to an instance of a block with count or for_each by index, and only then.
    const instances = provider.count !== undefined || provider.for_each !== undefined;
    if (instances !== (reference.index !== undefined)) return undefined;
    if (reference.mode === 'data' && provider.arn !== undefined) return undefined;
    const url = typeof provider.url === 'string' ? literalText(provider.url) : undefined;
    return url ? ownAccountProviderArn(DEFAULT_PARTITION, url) : undefined;
  };
}

/** `override.tf` and `*_override.tf`: Terraform merges their blocks into blocks other files declare. */
function isOverride(file: string): boolean {
  return /(^|_)override\.tf$/.test(baseName(file));
}

function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}

function argumentsOf(
  block: Record<string, unknown>,
  allowed: Set<string>,
  where: string,
  resolve: ResolveReference,
): TfObject {
  const out: TfObject = {};
  for (const [key, value] of Object.entries(block)) {
    if (!allowed.has(key)) throw unsupported(key, where);
    out[key] = fromHcl(value, `${where}.${key}`, resolve);
  }
  return out;
}

function unsupported(key: string, where: string): IacParseError {
  // Terraform's own hint for the slip seen most: `action` for `actions`.
  const hint = STATEMENT_ARGUMENTS.has(`${key}s`) ? `; did you mean "${key}s"?` : '';
  return new IacParseError(`${where}: unsupported argument "${key}" (Terraform rejects it${hint})`);
}

function blockList(value: unknown, where: string): Record<string, unknown>[] {
  if (!Array.isArray(value) || !value.every(isJsonObject))
    throw new IacParseError(`${where}: expected blocks`);
  return value;
}

/** `dynamic "condition" { for_each = … }`: blocks Terraform only writes once it plans, each unknown, by block type. */
function dynamicBlocks(value: unknown, types: string[], where: string): Record<string, Unresolved[]> {
  if (!isJsonObject(value)) throw new IacParseError(`${where}: dynamic: expected blocks`);
  const out: Record<string, Unresolved[]> = {};
  for (const [type, list] of Object.entries(value)) {
    if (!types.includes(type)) throw new IacParseError(`${where}: unsupported block "${type}"`);
    out[type] = blockList(list, `${where}: dynamic "${type}"`).map((block) => {
      const forEach =
        typeof block.for_each === 'string'
          ? (soleExpression(block.for_each) ?? block.for_each)
          : JSON.stringify(block.for_each);
      return new Unresolved(`\`dynamic "${type}"\` blocks for each of \`${forEach}\` (known after plan)`);
    });
  }
  return out;
}

/** The written blocks, then the dynamic ones of each type. */
function withDynamic(args: TfObject, dynamic: Record<string, Unresolved[]>): TfObject {
  for (const [type, blocks] of Object.entries(dynamic)) {
    const written = args[type];
    args[type] = [...(Array.isArray(written) ? written : []), ...blocks];
  }
  return args;
}

/** A document that lets a principal assume a role: some statement names a principal and an sts:AssumeRole… action. */
function isTrustPolicy(document: TfValue): boolean {
  if (!isObject(document)) return false;
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement ?? null];
  return statements.some((statement) => {
    if (!isObject(statement) || (statement.Principal === undefined && statement.NotPrincipal === undefined))
      return false;
    const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action ?? null];
    return actions.some(
      (a) => a instanceof Unresolved || (typeof a === 'string' && /^(\*|sts:\*|sts:assume)/i.test(a)),
    );
  });
}

import { IacParseError, type IacRole, type SourcePosition } from '../model.js';
import { DEFAULT_PARTITION, ownAccountProviderArn } from '../oidc-provider.js';
import { indexSuffix, moduleCallNames, mostSpecific, policyDocumentReference } from './address.js';
import { providerReference } from './oidc-providers.js';
import {
  arrayAt,
  indexAt,
  isJsonObject,
  type JsonObject,
  objectAt,
  optionalObjectAt,
  parsePlanText,
  stringAt,
  withoutByteOrderMark,
} from './plan-json.js';
import { planPositions } from './plan-positions.js';
import { renderPolicyDocument } from './policy-document.js';
import { afterApply, isObject, type TfObject, type TfValue, toIacDocument, Unresolved } from './value.js';

/**
 * Trust policies in a Terraform plan (`terraform show -json plan.out`), the exact route: Terraform has
 * evaluated everything it could, and says what it will only know after apply.
 */

/** Dispatch: plan JSON names its format and Terraform version, and holds planned values or changes. */
export function looksLikeTerraformPlan(text: string): boolean {
  return (
    text.trimStart().startsWith('{') &&
    text.includes('"format_version"') &&
    text.includes('"terraform_version"') &&
    (text.includes('"planned_values"') || text.includes('"resource_changes"'))
  );
}

/** Every `aws_iam_role` in the plan's planned values (root module and child modules), as it will be. */
export function readTerraformPlan(file: string, written: string): IacRole[] {
  const text = withoutByteOrderMark(written);
  const plan = readPlan(file, text);
  const positions = planPositions(text)?.planned;
  const roles: IacRole[] = [];
  for (const resource of plan.planned) {
    if (resource.mode !== 'managed' || resource.type !== 'aws_iam_role') continue;
    const mask = plan.changes.get(resource.address)?.afterUnknown;
    roles.push(withPosition(plan.role(resource, resource.values, mask), positions));
  }
  return roles;
}

/** Every `aws_iam_role` the plan changes or keeps, before (its state) and after (the plan), for `diff`. */
export function readTerraformPlanChange(
  file: string,
  written: string,
): { before: IacRole[]; after: IacRole[] } {
  const text = withoutByteOrderMark(written);
  const plan = readPlan(file, text);
  const positions = planPositions(text)?.changes;
  const before: IacRole[] = [];
  const after: IacRole[] = [];
  for (const change of plan.changes.values()) {
    if (change.resource.mode !== 'managed' || change.resource.type !== 'aws_iam_role') continue;
    if (change.before)
      before.push(withPosition(plan.role(change.resource, change.before, undefined), positions));
    if (change.after)
      after.push(withPosition(plan.role(change.resource, change.after, change.afterUnknown), positions));
  }
  return { before, after };
}

/** The role with where the plan writes its resource, when known. */
function withPosition(role: IacRole, positions: Map<string, SourcePosition> | undefined): IacRole {
  const position = positions?.get(role.id);
  if (position) role.position = position;
  return role;
}

interface PlanResource {
  address: string;
  moduleAddress: string | undefined;
  mode: string;
  type: string;
  name: string;
  index: string | number | undefined;
  values: JsonObject;
}

interface PlanChange {
  resource: PlanResource;
  before: JsonObject | undefined;
  after: JsonObject | undefined;
  afterUnknown: unknown;
}

function readPlan(file: string, text: string) {
  const json = parsePlanText(file, text);
  const plannedValues = optionalObjectAt(json.planned_values, file, 'planned_values');
  const rootModule = optionalObjectAt(plannedValues?.root_module, file, 'planned_values.root_module');
  const planned = rootModule ? [...plannedResources(file, rootModule, 'planned_values.root_module')] : [];
  const changes = new Map<string, PlanChange>();
  arrayAt(json.resource_changes, file, 'resource_changes').forEach((item, i) => {
    const change = readChange(file, item, `resource_changes[${i}]`);
    changes.set(change.resource.address, change);
  });
  const configuration = optionalObjectAt(json.configuration, file, 'configuration');
  const configRoot = optionalObjectAt(configuration?.root_module, file, 'configuration.root_module');
  const ofType = (mode: string, type: string) =>
    new Map(planned.filter((r) => r.mode === mode && r.type === type).map((r) => [r.address, r] as const));
  const context: PlanContext = {
    file,
    changes,
    config: configIndex(configRoot),
    documents: ofType('data', 'aws_iam_policy_document'),
    providers: new Map([...ofType('managed', PROVIDER_TYPE), ...ofType('data', PROVIDER_TYPE)]),
  };
  return {
    planned,
    changes,
    role: (resource: PlanResource, values: JsonObject, mask: unknown): IacRole =>
      roleOf(context, resource, values, mask),
  };
}

interface PlanContext {
  file: string;
  changes: Map<string, PlanChange>;
  config: Map<string, JsonObject>;
  documents: Map<string, PlanResource>;
  /** `aws_iam_openid_connect_provider` resources and data sources, by address. */
  providers: Map<string, PlanResource>;
}

const PROVIDER_TYPE = 'aws_iam_openid_connect_provider';

function* plannedResources(file: string, module: JsonObject, field: string): Generator<PlanResource> {
  const moduleAddress =
    module.address === undefined ? undefined : stringAt(module.address, file, `${field}.address`);
  for (const [i, item] of arrayAt(module.resources, file, `${field}.resources`).entries()) {
    const where = `${field}.resources[${i}]`;
    const resource = objectAt(item, file, where);
    yield {
      ...resourceIdentity(file, resource, where),
      moduleAddress,
      values: optionalObjectAt(resource.values, file, `${where}.values`) ?? {},
    };
  }
  for (const [i, child] of arrayAt(module.child_modules, file, `${field}.child_modules`).entries()) {
    const where = `${field}.child_modules[${i}]`;
    yield* plannedResources(file, objectAt(child, file, where), where);
  }
}

function resourceIdentity(file: string, resource: JsonObject, where: string) {
  return {
    address: stringAt(resource.address, file, `${where}.address`),
    mode: stringAt(resource.mode, file, `${where}.mode`),
    type: stringAt(resource.type, file, `${where}.type`),
    name: stringAt(resource.name, file, `${where}.name`),
    index: indexAt(resource.index, file, `${where}.index`),
  };
}

function readChange(file: string, item: unknown, where: string): PlanChange {
  const entry = objectAt(item, file, where);
  const change = objectAt(entry.change, file, `${where}.change`);
  const moduleAddress =
    entry.module_address === undefined
      ? undefined
      : stringAt(entry.module_address, file, `${where}.module_address`);
  return {
    resource: { ...resourceIdentity(file, entry, where), moduleAddress, values: {} },
    before: optionalObjectAt(change.before, file, `${where}.change.before`),
    after: optionalObjectAt(change.after, file, `${where}.change.after`),
    afterUnknown: change.after_unknown,
  };
}

function roleOf(context: PlanContext, resource: PlanResource, values: JsonObject, mask: unknown): IacRole {
  const where = `${context.file}: ${resource.address}`;
  const policy = values.assume_role_policy;
  const unknown = isJsonObject(mask) && mask.assume_role_policy === true;
  let document: TfValue;
  if (!unknown && typeof policy === 'string')
    document = parsePolicyText(policy, `${where}: assume_role_policy`);
  else if (!unknown && policy !== undefined && policy !== null) {
    throw new IacParseError(`${where}: assume_role_policy: expected a string`);
  } else document = referencedDocument(context, resource);
  const { document: plain, unknowns } = toIacDocument(document);
  const role: IacRole = {
    file: context.file,
    id: resource.address,
    document: plain,
    unknowns,
    valuePositions: {},
  };
  const name = isJsonObject(mask) && mask.name === true ? undefined : values.name;
  if (typeof name === 'string' && name !== '') role.roleName = name;
  return role;
}

function parsePolicyText(text: string, where: string): TfValue {
  try {
    return JSON.parse(text) as TfValue;
  } catch (error) {
    throw new IacParseError(`${where}: invalid JSON: ${(error as Error).message}`);
  }
}

// Index selectors that a reference to one instance of a data source may use besides the data source.
const SELECTORS = new Set(['each.key', 'count.index']);

/**
 * A role whose policy Terraform only knows after apply: when its configuration takes it from one
 * `aws_iam_policy_document` (and at most the role's own `each.key` or `count.index` picks the
 * instance), the policy is that document, rendered from the plan's values of it.
 */
function referencedDocument(context: PlanContext, resource: PlanResource): TfValue {
  const config = configResource(context, resource);
  const expression = isJsonObject(config?.expressions) ? config.expressions.assume_role_policy : undefined;
  const references = referencesOf(expression);
  const unknown = new Unresolved(
    afterApply(references.length > 0 ? mostSpecific(references) : [`${resource.address}.assume_role_policy`]),
  );
  const targets = references.map(policyDocumentReference);
  const names = new Set(targets.flatMap((t) => (t ? [t.name] : [])));
  const indexes = new Set(targets.flatMap((t) => (t?.index ? [t.index] : [])));
  const others = references.filter((r, i) => !targets[i] && !SELECTORS.has(r));
  if (names.size !== 1 || indexes.size > 1 || others.length > 0) return unknown;
  const base = `${resource.moduleAddress ? `${resource.moduleAddress}.` : ''}data.aws_iam_policy_document.${[...names][0]}`;
  const byKey = references.includes('each.key') && typeof resource.index === 'string';
  const byCount = references.includes('count.index') && typeof resource.index === 'number';
  const index = [...indexes][0] ?? (byKey || byCount ? indexSuffix(resource.index) : '');
  const data = context.documents.get(base + index);
  return data ? documentOf(context, data) : unknown;
}

function documentOf(context: PlanContext, data: PlanResource): TfValue {
  const mask = context.changes.get(data.address)?.afterUnknown;
  const config = configResource(context, data);
  const expressions = isJsonObject(config?.expressions) ? config.expressions : undefined;
  const unknown = (path: string, expression: unknown): TfValue => {
    const references = mostSpecific(referencesOf(expression));
    // A principal's identifier (`identifiers = [aws_iam_openid_connect_provider.x.arn]`) that waits for
    // one provider's ARN alone: the configuration gives the references, not the expression, and a
    // policy names a provider by its ARN as it is.
    const [only] = references;
    const identifier = /\.identifiers\[\d+\]$/.test(path);
    const arn = only && references.length === 1 && identifier ? providerArn(context, data, only) : undefined;
    return (
      arn ?? new Unresolved(afterApply(references.length > 0 ? references : [`${data.address}.${path}`]))
    );
  };
  const values = withUnknowns(data.values, mask, expressions, '', unknown);
  if (!isObject(values)) return values;
  if (typeof values.json === 'string')
    return parsePolicyText(values.json, `${context.file}: ${data.address}: json`);
  return renderPolicyDocument(values, `${context.file}: ${data.address}`);
}

/**
 * Values with `after_unknown`'s unknowns put in (planned values leave them out or null). `config` follows
 * along: the configuration's expressions, whose references describe what an unknown waits for.
 */
function withUnknowns(
  value: unknown,
  mask: unknown,
  config: unknown,
  path: string,
  unknown: (path: string, expression: unknown) => TfValue,
): TfValue {
  if (mask === true) return unknown(path, config);
  if (!holdsUnknown(mask)) return value as TfValue;
  const expression = isJsonObject(config) && ('references' in config || 'constant_value' in config);
  if (Array.isArray(mask)) {
    const items = Array.isArray(value) ? value : [];
    const length = Math.max(items.length, mask.length);
    // Nested blocks of a set have no order of their own: a configuration block matches only a lone one.
    const blocks = Array.isArray(config) && config.length === length && length === 1 ? config : undefined;
    return Array.from({ length }, (_, i) =>
      withUnknowns(items[i] ?? null, mask[i], expression ? config : blocks?.[i], `${path}[${i}]`, unknown),
    );
  }
  const fields = isJsonObject(value) ? value : {};
  const masks = mask as JsonObject;
  const out: TfObject = {};
  for (const key of new Set([...Object.keys(fields), ...Object.keys(masks)])) {
    const child = isJsonObject(config) && !expression ? config[key] : undefined;
    out[key] = withUnknowns(fields[key] ?? null, masks[key], child, path ? `${path}.${key}` : key, unknown);
  }
  return out;
}

/**
 * The ARN of the IAM OIDC provider a reference of `from`'s module names, when the plan knows its `url`
 * (a provider created by the plan has its ARN only after apply): in the role's own account (see
 * `OWN_ACCOUNT`), the default partition.
 */
function providerArn(context: PlanContext, from: PlanResource, reference: string): string | undefined {
  const target = providerReference(reference);
  if (!target) return undefined;
  const address = `${from.moduleAddress ? `${from.moduleAddress}.` : ''}${target.mode === 'data' ? 'data.' : ''}${PROVIDER_TYPE}.${target.name}${target.index ?? ''}`;
  const provider = context.providers.get(address);
  const mask = context.changes.get(address)?.afterUnknown;
  if (!provider || (isJsonObject(mask) && mask.url === true)) return undefined;
  const url = provider.values.url;
  return typeof url === 'string' && url !== '' ? ownAccountProviderArn(DEFAULT_PARTITION, url) : undefined;
}

function holdsUnknown(mask: unknown): boolean {
  if (mask === true) return true;
  if (Array.isArray(mask)) return mask.some(holdsUnknown);
  return isJsonObject(mask) && Object.values(mask).some(holdsUnknown);
}

function referencesOf(expression: unknown): string[] {
  if (!isJsonObject(expression) || !Array.isArray(expression.references)) return [];
  return expression.references.filter((r): r is string => typeof r === 'string');
}

function relativeAddress(resource: PlanResource): string {
  return `${resource.mode === 'data' ? 'data.' : ''}${resource.type}.${resource.name}`;
}

/**
 * The configuration's resources by module path and module-relative address (`ci.roles|aws_iam_role.x`):
 * every instance of a module, and of a resource, shares one configuration.
 */
function configIndex(root: JsonObject | undefined): Map<string, JsonObject> {
  const index = new Map<string, JsonObject>();
  const visit = (module: unknown, path: string[]): void => {
    if (!isJsonObject(module)) return;
    for (const resource of Array.isArray(module.resources) ? module.resources : []) {
      if (isJsonObject(resource) && typeof resource.address === 'string') {
        index.set(configKey(path, resource.address), resource);
      }
    }
    const calls = isJsonObject(module.module_calls) ? module.module_calls : {};
    for (const [name, call] of Object.entries(calls)) {
      if (isJsonObject(call)) visit(call.module, [...path, name]);
    }
  };
  visit(root, []);
  return index;
}

function configKey(modulePath: string[], address: string): string {
  return `${modulePath.join('.')}|${address}`;
}

function configResource(context: PlanContext, resource: PlanResource): JsonObject | undefined {
  return context.config.get(configKey(moduleCallNames(resource.moduleAddress), relativeAddress(resource)));
}

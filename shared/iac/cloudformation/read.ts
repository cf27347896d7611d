import type { IacRole } from '../model.js';
import { DEFAULT_PARTITION } from '../oidc-provider.js';
import { conditionValues } from './conditions.js';
import { fromJson, type PlainDocument, plainDocument } from './document.js';
import { type CfnEntry, type CfnNode, entry, scalarText } from './nodes.js';
import { Resolver } from './resolve.js';
import { NO_VALUE, type Resolved } from './resolved.js';
import { parseTemplate, type Template } from './template.js';
import { eachVariant } from './variants.js';

/** At most this many combinations of undecided conditions are read per role. */
export const MAX_VARIANTS = 16;

export interface CloudFormationOptions {
  partition?: string;
}

/**
 * Every `AWS::IAM::Role` of a CloudFormation template (JSON or YAML) with its trust policy resolved as
 * far as static reading allows: one role per way through the conditions that the parameter defaults
 * do not decide, when those ways give different policies.
 *
 * What reading assumes, so that a finding never rests on a guess:
 * - a parameter takes its `Default` (a deployment may pass another value: `AllowedValues` are not
 *   tried one by one); a parameter without one is unknown;
 * - `AWS::Partition` is `options.partition` (`aws` unless told), `AWS::URLSuffix` follows from it;
 *   `AWS::AccountId`, `AWS::Region`, `AWS::StackName` and the other pseudo parameters are unknown,
 *   except the account of an IAM OIDC provider ARN (see `OWN_ACCOUNT`);
 * - `Ref`/`Fn::GetAtt Arn` of an `AWS::IAM::OIDCProvider` or `Custom::AWSCDKOpenIdConnectProvider`
 *   of the same template is the provider's ARN, built from its `Url`;
 * - a named condition that the defaults do not decide is read both ways, independently of the others
 *   (which may read combinations that cannot happen, never miss one);
 * - a string with any unknown part is unknown as a whole, described in the source's own words.
 */
export function readCloudFormation(
  file: string,
  text: string,
  options: CloudFormationOptions = {},
): IacRole[] {
  return rolesOf(parseTemplate(file, text), options);
}

/** The roles of a template already parsed. */
export function rolesOf(template: Template, options: CloudFormationOptions = {}): IacRole[] {
  const resolver = new Resolver(template, { partition: options.partition ?? DEFAULT_PARTITION }, () => {
    throw new Error('conditions are decided per role');
  });
  const fixed = conditionValues(resolver);
  const roles: IacRole[] = [];
  for (const resource of template.resources.entries) {
    if (resource.key.startsWith('Fn::ForEach::')) roles.push(...unexpandedRoles(template, resource));
    else if (scalarText(entry(resource.value, 'Type')) === 'AWS::IAM::Role')
      roles.push(...readRole(template, resource, resolver, fixed));
  }
  return roles;
}

/**
 * Roles that `Fn::ForEach` (AWS::LanguageExtensions) would make: not expanded, so each is reported
 * with an unknown policy rather than left out.
 */
function unexpandedRoles(template: Template, loop: CfnEntry, prefix = ''): IacRole[] {
  const id = `${prefix}${loop.key}`;
  const fragment = loop.value.kind === 'seq' ? loop.value.items[2] : undefined;
  if (fragment?.kind !== 'map') return [];
  return fragment.entries.flatMap((e): IacRole[] => {
    if (e.key.startsWith('Fn::ForEach::')) return unexpandedRoles(template, e, `${id}/`);
    if (scalarText(entry(e.value, 'Type')) !== 'AWS::IAM::Role') return [];
    const description = `a role made by \`${loop.key}\`, which trustwatch does not expand`;
    return [
      {
        file: template.file,
        id: `${id}/${e.key}`,
        position: template.positionOf(e.keyStart),
        document: undefined,
        unknowns: [{ pointer: '', description }],
        valuePositions: {},
      },
    ];
  });
}

interface RoleReading extends PlainDocument {
  roleName?: string;
}

function readRole(
  template: Template,
  resource: CfnEntry,
  resolver: Resolver,
  fixed: (name: string, at: CfnNode) => boolean | undefined,
): IacRole[] {
  const id = resource.key;
  const properties = entry(resource.value, 'Properties');
  if (properties?.kind !== 'map') throw resolver.error(resource.value, `role ${id} has no Properties map`);
  const documentNode = entry(properties, 'AssumeRolePolicyDocument');
  if (!documentNode) throw resolver.error(properties, `role ${id} has no AssumeRolePolicyDocument`);
  const condition = entry(resource.value, 'Condition');
  const conditionName = scalarText(condition) ?? '';
  const nameNode = entry(properties, 'RoleName');

  const { variants, met } = eachVariant((choose) => {
    const path = resolver.withDecide((name, at) => fixed(name, at) ?? choose(name));
    // A role with a false `Condition` is not created.
    if (condition && !(fixed(conditionName, condition) ?? choose(conditionName))) return undefined;
    const reading: RoleReading = plainDocument(policyOf(path, id, documentNode), template.positionOf);
    const name = nameNode ? path.resolve(nameNode) : NO_VALUE;
    if (name !== NO_VALUE && name.kind === 'known' && name.value !== null)
      reading.roleName = String(name.value);
    return reading;
  }, MAX_VARIANTS);

  const constructPath = scalarText(entry(entry(resource.value, 'Metadata'), 'aws:cdk:path'));
  const base = {
    file: template.file,
    id,
    ...(constructPath ? { constructPath } : {}),
    position: template.positionOf(resource.keyStart),
  };
  if (!variants) {
    return [
      {
        ...base,
        document: undefined,
        unknowns: [
          {
            pointer: '',
            description: `the trust policy of ${id} depends on conditions (${met.join(', ')}) with more than ${MAX_VARIANTS} combinations: not read`,
          },
        ],
        valuePositions: {},
      },
    ];
  }
  const same = variants.every((v) => sameReading(v.result, variants[0]?.result));
  const roles: IacRole[] = [];
  for (const { choices, result } of same ? variants.slice(0, 1) : variants) {
    if (!result) continue;
    const variant = choices.map(([name, value]) => `${name}=${value}`).join(', ');
    roles.push({
      ...base,
      ...(result.roleName ? { roleName: result.roleName } : {}),
      ...(same ? {} : { variant }),
      document: result.document,
      unknowns: result.unknowns,
      valuePositions: result.valuePositions,
    });
  }
  return roles;
}

/** The trust policy: written as an object, or as a JSON string (often a `Fn::Sub` of one). */
function policyOf(resolver: Resolver, id: string, node: CfnNode): Resolved {
  const value = resolver.resolve(node);
  if (value === NO_VALUE) throw resolver.error(node, `the AssumeRolePolicyDocument of ${id} is AWS::NoValue`);
  if (value.kind !== 'known') return value;
  if (typeof value.value !== 'string')
    throw resolver.error(
      node,
      `the AssumeRolePolicyDocument of ${id} is neither a JSON object nor a JSON string`,
    );
  try {
    return fromJson(JSON.parse(value.value), value.at);
  } catch (e) {
    throw resolver.error(
      node,
      `the AssumeRolePolicyDocument of ${id} is a string that is not JSON: ${(e as Error).message}`,
    );
  }
}

function sameReading(a: RoleReading | undefined, b: RoleReading | undefined): boolean {
  const key = (r: RoleReading | undefined) => JSON.stringify(r && [r.document, r.unknowns, r.roleName]);
  return key(a) === key(b);
}

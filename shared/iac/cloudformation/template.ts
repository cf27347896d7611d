import { IacParseError } from '../model.js';
import { type CfnMap, type CfnNode, entry } from './nodes.js';
import { parseJsonTemplate } from './parse-json.js';
import { parseYamlTemplate } from './parse-yaml.js';

/** The sections of a template that reading a role's trust policy needs. */
export interface Template {
  file: string;
  text: string;
  parameters: CfnMap | undefined;
  mappings: CfnMap | undefined;
  conditions: CfnMap | undefined;
  resources: CfnMap;
}

const TEMPLATE_VERSION = /(^|[\s{,])["']?AWSTemplateFormatVersion["']?\s*:/m;
const RESOURCES = /(^|[\s{,])["']?Resources["']?\s*:/m;
const RESOURCE_TYPE = /["']?Type["']?\s*:\s*["']?[A-Za-z0-9]+::[A-Za-z0-9]+/;

/**
 * Whether a file reads as a CloudFormation template (a `Resources` map of typed resources, or a
 * template format version): cheap enough to dispatch every file of a directory on.
 */
export function looksLikeCloudFormation(text: string): boolean {
  return TEMPLATE_VERSION.test(text) || (RESOURCES.test(text) && RESOURCE_TYPE.test(text));
}

export function parseTemplate(file: string, text: string): Template {
  const root = /^\uFEFF?\s*\{/.test(text) ? parseJsonTemplate(file, text) : parseYamlTemplate(file, text);
  if (root.kind !== 'map')
    throw new IacParseError(`${file}: a CloudFormation template is a map at its top level`);
  const resources = entry(root, 'Resources');
  if (resources?.kind !== 'map')
    throw new IacParseError(`${file}: not a CloudFormation template: no Resources map`);
  return {
    file,
    text,
    parameters: mapOrUndefined(file, 'Parameters', entry(root, 'Parameters')),
    mappings: mapOrUndefined(file, 'Mappings', entry(root, 'Mappings')),
    conditions: mapOrUndefined(file, 'Conditions', entry(root, 'Conditions')),
    resources,
  };
}

function mapOrUndefined(file: string, section: string, node: CfnNode | undefined): CfnMap | undefined {
  if (node === undefined || (node.kind === 'scalar' && node.value === null)) return undefined;
  if (node.kind !== 'map') throw new IacParseError(`${file}: ${section} is not a map`);
  return node;
}

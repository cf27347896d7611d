import { IacParseError, type SourcePosition } from '../model.js';
import { type CfnMap, type CfnNode, entry, positionsOf } from './nodes.js';
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
  /** Resources and parameters by logical id: a template may hold thousands. */
  resourceNamed: Map<string, CfnNode>;
  parameterNamed: Map<string, CfnNode>;
  positionOf: (offset: number) => SourcePosition;
}

const JSON_VERSION = /"AWSTemplateFormatVersion"\s*:/;
// Top-level keys of a YAML template start their line; a Serverless Framework file nests `Resources`.
const YAML_VERSION = /^["']?AWSTemplateFormatVersion["']?\s*:/m;
const YAML_RESOURCES = /^["']?Resources["']?\s*:/m;
const RESOURCE_TYPE = /["']?Type["']?\s*:\s*["']?[A-Za-z0-9]+::[A-Za-z0-9]+/;

/**
 * Whether a file is a CloudFormation template: a template format version, or a top-level `Resources`
 * map of typed resources. Cheap enough to dispatch every file of a directory on; a JSON file that does
 * not parse is claimed only when it names a template format version (its error is then reported).
 */
export function looksLikeCloudFormation(text: string): boolean {
  const body = text.replace(/^\uFEFF/, '');
  if (!/^\s*\{/.test(body))
    return YAML_VERSION.test(body) || (YAML_RESOURCES.test(body) && RESOURCE_TYPE.test(body));
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return JSON_VERSION.test(body);
  }
  if (!isRecord(value)) return false;
  const resources = value.Resources;
  return (
    'AWSTemplateFormatVersion' in value ||
    (isRecord(resources) &&
      Object.values(resources).some(
        (r) => isRecord(r) && typeof r.Type === 'string' && r.Type.includes('::'),
      ))
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseTemplate(file: string, text: string): Template {
  // A byte order mark becomes a space: the JSON parser refuses it, and offsets stay those of the text.
  const body = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  const root = /^\s*\{/.test(body) ? parseJsonTemplate(file, body) : parseYamlTemplate(file, body);
  if (root.kind !== 'map')
    throw new IacParseError(`${file}: a CloudFormation template is a map at its top level`);
  const resources = entry(root, 'Resources');
  if (resources?.kind !== 'map')
    throw new IacParseError(`${file}: not a CloudFormation template: no Resources map`);
  const parameters = mapOrUndefined(file, 'Parameters', entry(root, 'Parameters'));
  return {
    file,
    text,
    parameters,
    mappings: mapOrUndefined(file, 'Mappings', entry(root, 'Mappings')),
    conditions: mapOrUndefined(file, 'Conditions', entry(root, 'Conditions')),
    resources,
    resourceNamed: new Map(resources.entries.map((e) => [e.key, e.value])),
    parameterNamed: new Map(parameters?.entries.map((e) => [e.key, e.value])),
    positionOf: positionsOf(text),
  };
}

function mapOrUndefined(file: string, section: string, node: CfnNode | undefined): CfnMap | undefined {
  if (node === undefined || (node.kind === 'scalar' && node.value === null)) return undefined;
  if (node.kind !== 'map') throw new IacParseError(`${file}: ${section} is not a map`);
  return node;
}

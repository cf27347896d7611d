import { FileFormatError, readWithSchema } from '../../schema-file.js';
import * as z from '../../zod.js';
import { IacParseError, type IacRole } from '../model.js';
import { entry, scalarText } from './nodes.js';
import { type CloudFormationOptions, rolesOf } from './read.js';
import { parseTemplate } from './template.js';

/** What trustwatch reads of a cloud assembly manifest (`manifest.json`); other fields are left alone. */
const ManifestSchema = z.object({
  artifacts: z.optional(
    z.record(
      z.string(),
      z.object({
        type: z.string(),
        properties: z.optional(
          z.object({ templateFile: z.optional(z.string()), directoryName: z.optional(z.string()) }),
        ),
      }),
    ),
  ),
});

/** A nested assembly (a CDK Stage) is a directory of its own; deeper than this is a loop. */
const MAX_ASSEMBLY_DEPTH = 16;

/**
 * Every IAM role of a CDK cloud assembly (`cdk.out`): the stacks its manifest names, the assemblies
 * of its stages, and the templates of nested stacks. `readText` reads a file by its path relative to
 * `dir`; each role's `file` is `dir/<template file>`.
 */
export function readCloudAssembly(
  dir: string,
  readText: (relativePath: string) => string,
  options: CloudFormationOptions = {},
): IacRole[] {
  const root = dir.replace(/\/+$/, '');
  const roles: IacRole[] = [];
  const read = (path: string): string => {
    try {
      return readText(path);
    } catch (e) {
      throw new IacParseError(`${root}/${path}: cannot be read: ${(e as Error).message}`);
    }
  };
  const readAssembly = (prefix: string, depth: number): void => {
    const manifestPath = join(prefix, 'manifest.json');
    if (depth > MAX_ASSEMBLY_DEPTH)
      throw new IacParseError(`${root}/${manifestPath}: nested assemblies deeper than ${MAX_ASSEMBLY_DEPTH}`);
    const manifest = parseManifest(`${root}/${manifestPath}`, read(manifestPath));
    for (const artifact of Object.values(manifest.artifacts ?? {})) {
      const { templateFile, directoryName } = artifact.properties ?? {};
      if (artifact.type === 'aws:cloudformation:stack' && templateFile) readStack(join(prefix, templateFile));
      if (artifact.type === 'cdk:cloud-assembly' && directoryName)
        readAssembly(join(prefix, directoryName), depth + 1);
    }
  };
  const readStack = (path: string): void => {
    const file = `${root}/${path}`;
    const template = parseTemplate(file, read(path));
    roles.push(...rolesOf(template, options));
    // A nested stack's template is an asset beside its parent's; the parent's resource names it.
    for (const resource of template.resources.entries) {
      if (scalarText(entry(resource.value, 'Type')) !== 'AWS::CloudFormation::Stack') continue;
      const asset = scalarText(entry(entry(resource.value, 'Metadata'), 'aws:asset:path'));
      if (asset) readStack(join(dirname(path), asset));
    }
  };
  readAssembly('', 0);
  return roles;
}

function parseManifest(file: string, text: string): z.infer<typeof ManifestSchema> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new IacParseError(`${file}: not JSON: ${(e as Error).message}`);
  }
  try {
    return readWithSchema(ManifestSchema, value, file);
  } catch (e) {
    if (e instanceof FileFormatError) throw new IacParseError(e.message);
    throw e;
  }
}

function join(prefix: string, path: string): string {
  return prefix ? `${prefix}/${path}` : path;
}

function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

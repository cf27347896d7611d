import { build } from 'esbuild';

/** Document client commands, by the DynamoDB action each one calls. */
const DOCUMENT_COMMANDS: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  Query: 'Query',
  Scan: 'Scan',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
};

/** IAM's service prefix of each SDK client package. */
const SERVICE_PREFIX: Record<string, string> = {
  'client-iam': 'iam',
  'client-sts': 'sts',
  'client-cloudtrail': 'cloudtrail',
  'client-sns': 'sns',
  'client-sqs': 'sqs',
  'client-secrets-manager': 'secretsmanager',
  'client-s3': 's3',
  'client-securityhub': 'securityhub',
  'client-dynamodb': 'dynamodb',
  'lib-dynamodb': 'dynamodb',
};

/** Operations that IAM authorizes under another action's name (S3's API reference: "Permissions"). */
const AUTHORIZED_AS: Record<string, string> = { 's3:ListObjectsV2': 's3:ListBucket' };

/** Calls AWS authorizes without any policy (sts:GetCallerIdentity). */
const NEEDS_NO_PERMISSION = new Set(['sts:GetCallerIdentity']);

/**
 * The AWS actions a function's code can call: its bundle (tree-shaken as deployed) split into the
 * modules esbuild marks with `// path` lines; the SDK commands constructed or paginated in the
 * project's own modules, each named by the client package that defines it.
 */
export function calledActions(entry: string): Promise<string[]> {
  // Each bundle is built once per test file, whichever test asks first.
  let actions = cache.get(entry);
  if (!actions) {
    actions = bundleActions(entry);
    cache.set(entry, actions);
  }
  return actions;
}

const cache = new Map<string, Promise<string[]>>();

async function bundleActions(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  });
  const text = result.outputFiles[0]?.text ?? '';
  const sections = text.split(/^\/\/ (\S+)$/m);
  const packageOf = new Map<string, string>();
  const ownCode: string[] = [];
  for (let i = 1; i < sections.length; i += 2) {
    const path = sections[i] as string;
    const sdk =
      /^node_modules\/@aws-sdk\/((?:client|lib)-[a-z0-9-]+)\/dist-es\/commands\/(\w+)Command\.js$/.exec(path);
    if (sdk) packageOf.set(sdk[2] as string, sdk[1] as string);
    else if (!path.startsWith('node_modules/')) ownCode.push(sections[i + 1] ?? '');
  }
  const actions = new Set<string>();
  for (const code of ownCode)
    for (const m of code.matchAll(/new (\w+?)Command\d*\(|\bpaginate(\w+?)(\d*)\(/g)) {
      // esbuild numbers a renamed binding (paginateFoo2), but digits may end the name too (ListObjectsV2).
      const paginated = m[2] && packageOf.has(`${m[2]}${m[3]}`) ? `${m[2]}${m[3]}` : m[2];
      const command = (m[1] ?? paginated) as string;
      const pkg = packageOf.get(command);
      if (!pkg) throw new Error(`${entry}: no SDK client in the bundle defines ${command}Command`);
      const action = pkg === 'lib-dynamodb' ? DOCUMENT_COMMANDS[command] : command;
      if (!action) throw new Error(`${entry}: ${command}Command has no DynamoDB action in this test's table`);
      const called = `${SERVICE_PREFIX[pkg] ?? pkg}:${action}`;
      actions.add(AUTHORIZED_AS[called] ?? called);
    }
  return [...actions].filter((a) => !NEEDS_NO_PERMISSION.has(a)).sort();
}

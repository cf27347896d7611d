import { runSimulation } from '@cloud-copilot/iam-simulate';

/** Where a template is deployed: its pseudo parameters. */
export interface Place {
  account: string;
  region: string;
}

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export interface TemplateJson {
  Resources: Record<string, Resource>;
}

/** One function as the template deploys it: its environment and its role's policy documents, resolved. */
export interface DeployedFunction {
  functionName: string;
  functionArn: string;
  /** The session ARN its calls are made with. */
  principal: string;
  environment: Record<string, string>;
  /** The log group it writes to. */
  logGroup: string;
  policies: { Version: string; Statement: unknown[] }[];
}

/** A stable made-up key id, as KMS would have given the key. */
const keyId = (logicalId: string) => {
  const hex = [...logicalId]
    .map((c) => c.charCodeAt(0).toString(16))
    .join('')
    .padEnd(32, '0')
    .slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

/**
 * Resolves the template's intrinsic functions to the values CloudFormation would give them in `place`:
 * resource names from their properties (or made up from the logical id, as CloudFormation does when a
 * template names none) and ARNs in the form each service writes them.
 */
export function templateResolver(template: TemplateJson, place: Place): (value: unknown) => unknown {
  const { account, region } = place;
  // A name may itself be built (`trustwatch-org-reports-${AWS::AccountId}`).
  const named = (id: string, property: string) =>
    (resolve(template.Resources[id]?.Properties?.[property]) as string | undefined) ??
    `trustwatch-${id.toLowerCase()}`;
  const ref = (id: string): string => {
    const pseudo: Record<string, string> = {
      'AWS::Partition': 'aws',
      'AWS::AccountId': account,
      'AWS::Region': region,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': 'Trustwatch',
    };
    if (pseudo[id]) return pseudo[id];
    const type = template.Resources[id]?.Type;
    switch (type) {
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${region}:${account}:${named(id, 'TopicName')}`;
      case 'AWS::S3::Bucket':
        return named(id, 'BucketName');
      case 'AWS::DynamoDB::GlobalTable':
        return named(id, 'TableName');
      case 'AWS::SQS::Queue':
        return `https://sqs.${region}.amazonaws.com/${account}/${named(id, 'QueueName')}`;
      case 'AWS::Lambda::Function':
        return named(id, 'FunctionName');
      case 'AWS::KMS::Key':
        return keyId(id);
      case 'AWS::Events::EventBus':
        return named(id, 'Name');
      case 'AWS::IAM::Role':
        return named(id, 'RoleName');
      case 'AWS::Logs::LogGroup':
        return named(id, 'LogGroupName');
      default:
        throw new Error(`no value for Ref ${id} (${type ?? 'not in the template'})`);
    }
  };
  const arn = (id: string): string => {
    const type = template.Resources[id]?.Type;
    switch (type) {
      case 'AWS::DynamoDB::GlobalTable':
        return `arn:aws:dynamodb:${region}:${account}:table/${ref(id)}`;
      case 'AWS::KMS::Key':
        return `arn:aws:kms:${region}:${account}:key/${ref(id)}`;
      case 'AWS::S3::Bucket':
        return `arn:aws:s3:::${ref(id)}`;
      case 'AWS::SQS::Queue':
        return `arn:aws:sqs:${region}:${account}:${named(id, 'QueueName')}`;
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${region}:${account}:function:${ref(id)}`;
      case 'AWS::Logs::LogGroup':
        // As CloudFormation's Arn attribute of a log group: with the trailing `:*`.
        return `arn:aws:logs:${region}:${account}:log-group:${ref(id)}:*`;
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${account}:role/${ref(id)}`;
      case 'AWS::Events::EventBus':
        return `arn:aws:events:${region}:${account}:event-bus/${ref(id)}`;
      default:
        throw new Error(`no Arn for ${id} (${type ?? 'not in the template'})`);
    }
  };
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value);
    const [first] = entries;
    if (entries.length === 1 && first) {
      const [fn, args] = first;
      if (fn === 'Ref') return ref(args as string);
      if (fn === 'Fn::GetAtt') {
        const [id, attribute] = args as [string, string];
        if (attribute !== 'Arn') throw new Error(`no value for Fn::GetAtt ${id}.${attribute}`);
        return arn(id);
      }
      if (fn === 'Fn::Join') {
        const [separator, parts] = args as [string, unknown[]];
        return (resolve(parts) as string[]).join(separator);
      }
      if (fn.startsWith('Fn::')) throw new Error(`no resolution of ${fn} in this test`);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]));
  };
  return resolve;
}

/** Each function of the template, by its FunctionName, with its role's policies resolved in `place`. */
export function deployedFunctions(template: TemplateJson, place: Place): Record<string, DeployedFunction> {
  const resolve = templateResolver(template, place);
  const resources = Object.entries(template.Resources);
  const out: Record<string, DeployedFunction> = {};
  for (const [id, fn] of resources.filter(([, r]) => r.Type === 'AWS::Lambda::Function')) {
    const props = fn.Properties ?? {};
    const roleId = (props.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const functionName = resolve({ Ref: id }) as string;
    const policies = resources
      .filter(([, r]) => r.Type === 'AWS::IAM::Policy')
      .filter(([, p]) => ((p.Properties?.Roles ?? []) as { Ref: string }[]).some((r) => r.Ref === roleId))
      .map(([, p]) => resolve(p.Properties?.PolicyDocument) as DeployedFunction['policies'][number]);
    const variables = (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
    out[functionName] = {
      functionName,
      functionArn: resolve({ 'Fn::GetAtt': [id, 'Arn'] }) as string,
      principal: `arn:aws:sts::${place.account}:assumed-role/${resolve({ Ref: roleId })}/${functionName}`,
      environment: resolve(variables ?? {}) as Record<string, string>,
      logGroup: resolve((props.LoggingConfig as { LogGroup: unknown }).LogGroup) as string,
      policies,
    };
  }
  return out;
}

/**
 * IAM's decision on one call of the function, from its role's policies (and the resource's policy where
 * the service needs it to allow: KMS), as @cloud-copilot/iam-simulate evaluates it. Throws on a request
 * the evaluator does not understand (an action it does not know, an ARN of the wrong resource type).
 */
export async function decision(
  fn: Pick<DeployedFunction, 'principal' | 'policies'>,
  action: string,
  resource: string,
  account: string,
  /** The resource's own policy, where the service requires one to allow too (a KMS key's policy). */
  on: { resourcePolicy?: unknown; context?: Record<string, string> } = {},
): Promise<string> {
  const response = await runSimulation(
    {
      request: {
        principal: fn.principal,
        action,
        // The policies of the caller are what is checked: the resource is taken to be in its account.
        resource: { resource, accountId: account },
        contextVariables: on.context ?? {},
      },
      identityPolicies: fn.policies.map((policy, i) => ({ name: `policy-${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(on.resourcePolicy ? { resourcePolicy: on.resourcePolicy as never } : {}),
    },
    {},
  );
  if (response.resultType === 'error')
    throw new Error(`${action} on ${resource}: not evaluable: ${JSON.stringify(response.errors)}`);
  return response.overallResult;
}

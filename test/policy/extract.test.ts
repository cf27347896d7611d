import { describe, expect, it } from 'vitest';
import { extractPolicies } from '../../shared/policy/extract.js';
import { JsonTextError } from '../../shared/policy/json-text.js';
import { PolicyParseError } from '../../shared/policy/parse.js';

const document = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': 'repo:my-org/app:environment:production',
        },
      },
    },
  ],
};

// Two StringEquals objects: JSON.parse keeps the second, and the sub condition is gone.
const duplicateText = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
  "Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
  "Action":"sts:AssumeRoleWithWebIdentity",
  "Condition":{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:my-org/app:ref:refs/heads/main"},
               "StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}]}`;

const role = (name: string, policy: unknown) => ({
  Path: '/',
  RoleName: name,
  RoleId: 'AROA1234567890EXAMPLE',
  Arn: `arn:aws:iam::123456789012:role/${name}`,
  CreateDate: '2026-05-24T23:50:25+00:00',
  AssumeRolePolicyDocument: policy,
  MaxSessionDuration: 3600,
});

const subOf = (text: string, i = 0) =>
  extractPolicies(text)[i]?.parsed.document.statements[0]?.conditions.find((c) => c.key.endsWith(':sub'))
    ?.values;

describe('extractPolicies', () => {
  it('reads a bare policy document, unnamed', () => {
    const [only, ...rest] = extractPolicies(JSON.stringify(document));
    expect(rest).toEqual([]);
    expect(only?.name).toBe('');
    expect(only?.parsed.document.statements).toHaveLength(1);
    expect(subOf(JSON.stringify(document))).toEqual(['repo:my-org/app:environment:production']);
  });

  it('reports duplicate keys of a bare document, which only the raw text shows', () => {
    const [only] = extractPolicies(duplicateText);
    expect(only?.parsed.issues).toContainEqual(
      expect.objectContaining({ code: 'duplicate-key', path: 'Statement[0].Condition.StringEquals' }),
    );
  });

  it('reads a URL-encoded bare document as the IAM API returns it', () => {
    expect(subOf(encodeURIComponent(JSON.stringify(document)))).toEqual([
      'repo:my-org/app:environment:production',
    ]);
  });

  it('reads aws iam get-role output with the document decoded to an object (AWS CLI)', () => {
    const [only, ...rest] = extractPolicies(JSON.stringify({ Role: role('deploy', document) }));
    expect(rest).toEqual([]);
    expect(only?.name).toBe('deploy');
    expect(only?.parsed.document.statements[0]?.effect).toBe('Allow');
  });

  it('reads get-role output with the document URL-encoded (API, SDKs) and keeps its duplicate keys visible', () => {
    const text = JSON.stringify({ Role: role('terraform', encodeURIComponent(duplicateText)) });
    const [only] = extractPolicies(text);
    expect(only?.name).toBe('terraform');
    expect(only?.parsed.issues.map((i) => i.code)).toContain('duplicate-key');
  });

  it('reads get-role output with the document as decoded JSON text (moto and some SDKs)', () => {
    expect(subOf(JSON.stringify({ Role: role('deploy', JSON.stringify(document)) }))).toEqual([
      'repo:my-org/app:environment:production',
    ]);
  });

  it('reads a CreateRole response, tags and all', () => {
    const created = { Role: { ...role('new-role', document), Tags: [{ Key: 'team', Value: 'payments' }] } };
    expect(extractPolicies(JSON.stringify(created)).map((p) => p.name)).toEqual(['new-role']);
  });

  it('reads every role of aws iam list-roles output, in order', () => {
    const other = { ...document, Statement: [{ ...document.Statement[0], Effect: 'Deny' }] };
    const text = JSON.stringify({
      Roles: [role('deploy', encodeURIComponent(JSON.stringify(document))), role('ci', other)],
      IsTruncated: false,
    });
    const policies = extractPolicies(text);
    expect(policies.map((p) => p.name)).toEqual(['deploy', 'ci']);
    expect(policies.map((p) => p.parsed.document.statements[0]?.effect)).toEqual(['Allow', 'Deny']);
  });

  it('returns nothing for an account without roles', () => {
    expect(extractPolicies('{"Roles": []}')).toEqual([]);
  });

  it('says where invalid JSON breaks', () => {
    expect(() => extractPolicies('{\n  "Statement": [\n}')).toThrow(JsonTextError);
    expect(() => extractPolicies('{\n  "Statement": [\n}')).toThrow(/line 3 column 1/);
  });

  it('names the role whose document is missing or broken', () => {
    const missing = JSON.stringify({ Roles: [{ RoleName: 'empty' }] });
    expect(() => extractPolicies(missing)).toThrow(PolicyParseError);
    expect(() => extractPolicies(missing)).toThrow('role "empty" has no AssumeRolePolicyDocument');
    const broken = JSON.stringify({ Role: role('broken', { Statement: [{ Effect: 'Maybe' }] }) });
    expect(() => extractPolicies(broken)).toThrow(
      /^role "broken": Statement\[0\]\.Effect must be "Allow" or "Deny"/,
    );
  });

  it('refuses list-roles entries that are not role objects', () => {
    expect(() => extractPolicies('{"Roles": ["deploy"]}')).toThrow('Roles[0] is not a role object');
  });

  it('treats an object with neither Statement nor a role as a document, so parsePolicy explains what is missing', () => {
    expect(() => extractPolicies('{"Version": "2012-10-17"}')).toThrow(
      'the policy document has no "Statement"',
    );
  });
});

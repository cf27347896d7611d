import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CredentialReportError, parseCredentialReport } from '../../shared/inventory/credential-report.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/credential_report/${name}`, import.meta.url), 'utf8');

const HEADER_22 =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

describe('parseCredentialReport', () => {
  it('reads the 22-column report: keys per slot, last use, the root row apart', () => {
    const report = parseCredentialReport(fixture('cloudmapper_demo_credential-report_Content.csv'));
    expect(report.root).toEqual({
      name: '<root_account>',
      arn: 'arn:aws:iam::123456789012:root',
      created: '2018-08-12T17:20:55.000Z',
      keys: [
        {
          slot: 1,
          active: true,
          created: '2018-11-23T16:01:14.000Z',
          lastUsed: { date: '2018-11-27T00:02:00.000Z', service: 'ecr', region: 'us-east-1' },
        },
      ],
    });
    expect(report.users).toEqual([
      {
        name: 'auditor_tmp',
        arn: 'arn:aws:iam::123456789012:user/auditor_tmp',
        created: '2019-05-07T15:35:54.000Z',
        // Never used: last_used_date, region and service are all N/A.
        keys: [{ slot: 1, active: true, created: '2019-05-07T15:35:55.000Z' }],
      },
      {
        name: 'user',
        arn: 'arn:aws:iam::123456789012:user/user',
        created: '2018-05-07T15:35:54.000Z',
        keys: [
          { slot: 1, active: true, created: '2019-05-07T15:35:55.000Z' },
          {
            slot: 2,
            active: true,
            created: '2018-05-07T15:35:54.000Z',
            lastUsed: { date: '2018-05-07T15:35:54.000Z', service: 's3', region: 'us-east-1' },
          },
        ],
      },
    ]);
  });

  it('reads a report with only the root row', () => {
    const report = parseCredentialReport(
      fixture('cloudmapper_demo_credential-report_Content_at-12252143.csv'),
    );
    expect(report.users).toEqual([]);
    expect(report.root?.arn).toBe('arn:aws:iam::653711331788:root');
  });

  it("rejects AWS's PowerShell sample, whose header runs into the first row, naming the problem", () => {
    const text = fixture('aws-docs_powershell_Get-IAMCredentialReport_AsTextArray_output.txt');
    expect(() => parseCredentialReport(text)).toThrow(CredentialReportError);
    expect(() => parseCredentialReport(text)).toThrow(
      'line 1: "cert_2_last_rotated root_account" is not a column name (does the header run into the first row?)',
    );
  });

  it('reads the older 16-column report (no last-use columns) once its header line is split off', () => {
    // The sample's only defect is the lost line break after the header (and indentation).
    const repaired = fixture('aws-docs_powershell_Get-IAMCredentialReport_AsTextArray_output.txt').replace(
      'cert_2_last_rotated root_account,',
      'cert_2_last_rotated\nroot_account,',
    );
    const report = parseCredentialReport(repaired);
    expect(report.root).toMatchObject({ arn: 'arn:aws:iam::123456789012:root', keys: [] });
    expect(report.users).toEqual([
      {
        name: 'Administrator',
        arn: 'arn:aws:iam::123456789012:user/Administrator',
        created: '2014-10-16T16:03:09.000Z',
        keys: [
          { slot: 1, active: true, created: '2014-12-03T18:53:41.000Z' },
          { slot: 2, active: true, created: '2015-03-25T20:38:14.000Z' },
        ],
      },
      {
        name: 'Bill',
        arn: 'arn:aws:iam::123456789012:user/Bill',
        created: '2015-04-15T18:27:44.000Z',
        keys: [],
      },
    ]);
  });

  it('keeps an inactive key (it has a creation date) and treats not_supported and no_information as absent', () => {
    const row =
      'ci,arn:aws:iam::123456789012:user/ci/ci,2020-01-01T00:00:00+00:00,false,no_information,N/A,N/A,false,' +
      'false,2020-02-01T00:00:00+00:00,2020-03-01T00:00:00+00:00,not_supported,not_supported,' +
      'true,2021-01-01T00:00:00+00:00,no_information,N/A,N/A,false,N/A,false,N/A';
    const [user] = parseCredentialReport(`${HEADER_22}\n${row}\n`).users;
    expect(user?.keys).toEqual([
      {
        slot: 1,
        active: false,
        created: '2020-02-01T00:00:00.000Z',
        lastUsed: { date: '2020-03-01T00:00:00.000Z' },
      },
      { slot: 2, active: true, created: '2021-01-01T00:00:00.000Z' },
    ]);
  });

  it('reads by column name: missing key columns mean no key there, extra columns are ignored', () => {
    const report = parseCredentialReport(
      'arn,user,future_column,access_key_1_active,access_key_1_last_rotated\n' +
        'arn:aws:iam::123456789012:user/a,a,x,true,2024-05-01T10:00:00+00:00\n',
    );
    expect(report.users).toEqual([
      {
        name: 'a',
        arn: 'arn:aws:iam::123456789012:user/a',
        keys: [{ slot: 1, active: true, created: '2024-05-01T10:00:00.000Z' }],
      },
    ]);
  });

  it('names the line and column of a value it cannot read', () => {
    const good = `a,arn:aws:iam::1:user/a,2020-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`;
    expect(() =>
      parseCredentialReport(`${HEADER_22}\n${good}\n${good.replace(',false,false,', ',false,yes,')}`),
    ).toThrow('line 3, access_key_1_active: "yes" is neither true nor false');
    expect(() =>
      parseCredentialReport(`${HEADER_22}\n${good.replace('2020-01-01T00:00:00+00:00', 'soon')}`),
    ).toThrow('line 2, user_creation_time: "soon" is not a date');
    expect(() => parseCredentialReport(`${HEADER_22}\na,arn:aws:iam::1:user/a,true`)).toThrow(
      'line 2: 3 fields where the header has 22',
    );
  });

  it('rejects an empty report and one without user or arn columns', () => {
    expect(() => parseCredentialReport('')).toThrow('the report is empty');
    expect(() => parseCredentialReport('name,access_key_1_active\nx,true\n')).toThrow(
      'line 1: no user, arn column',
    );
  });
});

/**
 * The condition that lets the accounts of one AWS organization in (`aws:PrincipalOrgID`), after checking
 * that the id is an organization's (`o-…`), so that a mistake fails `cdk synth`.
 */
export function inOrganization(organizationId: string): { StringEquals: Record<string, string> } {
  if (!/^o-[a-z0-9]{10,32}$/.test(organizationId))
    throw new Error(`organizationId: "${organizationId}" is not an AWS Organizations id (o-…)`);
  return { StringEquals: { 'aws:PrincipalOrgID': organizationId } };
}

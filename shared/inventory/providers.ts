import {
  GetOpenIDConnectProviderCommand,
  type IAMClient,
  ListOpenIDConnectProvidersCommand,
} from '@aws-sdk/client-iam';
import { gapFor } from './gaps.js';
import { mapLimit } from './map-limit.js';
import type { Gap, OidcProvider } from './snapshot.js';

/**
 * The account's OIDC providers with their audiences (client ids). Accounts have a handful, so one
 * GetOpenIDConnectProvider each; a provider that cannot be read is a gap, not a provider with no
 * audiences (which would look like a changed provider).
 */
export async function readOidcProviders(iam: IAMClient): Promise<{ providers: OidcProvider[]; gaps: Gap[] }> {
  const gaps: Gap[] = [];
  let arns: string[];
  try {
    const listed = await iam.send(new ListOpenIDConnectProvidersCommand({}));
    arns = (listed.OpenIDConnectProviderList ?? []).map((p) => p.Arn ?? '');
  } catch (error) {
    return { providers: [], gaps: [gapFor('iam:ListOpenIDConnectProviders', 'every OIDC provider', error)] };
  }
  const read = await mapLimit(arns, 4, async (arn): Promise<OidcProvider | undefined> => {
    try {
      const provider = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
      return {
        arn,
        url: issuerOf(provider.Url ?? arn.slice(arn.indexOf('oidc-provider/') + 'oidc-provider/'.length)),
        audiences: provider.ClientIDList ?? [],
      };
    } catch (error) {
      gaps.push(gapFor('iam:GetOpenIDConnectProvider', arn, error));
      return undefined;
    }
  });
  const providers = read.filter((p): p is OidcProvider => p !== undefined);
  return { providers: providers.sort((a, b) => a.url.localeCompare(b.url)), gaps };
}

/** IAM stores the issuer without its scheme; some emulators keep the `https://` it was created with. */
function issuerOf(url: string): string {
  return url.replace(/^https:\/\//, '').replace(/\/$/, '');
}

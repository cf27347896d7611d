// What the CLI needs to read CloudFormation templates and CDK cloud assemblies.
export { DEFAULT_PARTITION, OWN_ACCOUNT } from '../oidc-provider.js';
export { readCloudAssembly } from './assembly.js';
export { type CloudFormationOptions, MAX_VARIANTS, readCloudFormation } from './read.js';
export { looksLikeCloudFormation } from './template.js';

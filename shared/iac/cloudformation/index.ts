// What the CLI needs to read CloudFormation templates and CDK cloud assemblies.

export { OWN_ACCOUNT } from '../oidc-provider.js';
export { readCloudAssembly } from './assembly.js';
export { type CloudFormationOptions, DEFAULT_PARTITION, MAX_VARIANTS, readCloudFormation } from './read.js';
export { looksLikeCloudFormation } from './template.js';

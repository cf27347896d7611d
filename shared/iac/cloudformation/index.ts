// What the CLI needs to read CloudFormation templates and CDK cloud assemblies.
export { readCloudAssembly } from './assembly.js';
export { type CloudFormationOptions, DEFAULT_PARTITION, MAX_VARIANTS, readCloudFormation } from './read.js';
export { OWN_ACCOUNT } from './resolve.js';
export { looksLikeCloudFormation } from './template.js';

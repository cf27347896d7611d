import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { appSettings } from './app-context.js';
import { trustwatchStacks } from './stacks.js';

// `npx cdk deploy -c region=eu-west-1 -c alertEmails=sec@example.com …`: see the README.
const app = new App();
trustwatchStacks(app, appSettings(app.node.getAllContext(), process.env.CDK_DEFAULT_REGION));
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();

// Matchers such as toHaveReceivedCommandWith for clients mocked with aws-sdk-client-mock. Kept under
// test/ so that tsc, which checks test/, also sees the matchers' types.
import 'aws-sdk-client-mock-vitest/extend';

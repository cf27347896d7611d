/** An SNS topic ARN, in any partition: checked where one is configured (the stack, the functions). */
export const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/;

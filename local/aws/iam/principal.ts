/** Why a request was refused: the caller, what it needed, and whether a Deny or no Allow refused it. */
export interface Denial {
  /** e.g. arn:aws:sts::000000000000:assumed-role/ROLE/SESSION */
  principalArn: string;
  action: string;
  resource: string;
  /** True for an explicit Deny, false when no statement allowed it (the default deny). */
  explicit: boolean;
}

/** A caller whose requests are evaluated against policies (the account root is not one: it may do anything). */
export interface Principal {
  readonly arn: string;
  /** Null when the action on the resource is allowed, else why not. */
  authorize(action: string, resource: string): Denial | null;
}

/** How a service words the resource of a denial. */
export interface DenialStyle {
  /** S3 puts the resource ARN in double quotes; DynamoDB and Lambda do not. */
  quoteResource: boolean;
  /** S3 leaves `on resource: …` out for s3:ListAllMyBuckets, which acts on no resource. */
  showResource: boolean;
}

/**
 * AWS's message for a denial by an identity-based policy, e.g. `User: arn:aws:sts::…:assumed-role/R/S
 * is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" because no
 * identity-based policy allows the s3:GetObject action` — the formats listed in
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html
 * ("Access denied due to identity-based policies – implicit/explicit denial"). For a Deny in a
 * managed policy AWS appends `: <policy ARN>`; local roles hold documents without names, so
 * the message ends as it does for an inline policy.
 */
export function describeDenial(denial: Denial, style: DenialStyle): string {
  const resource = style.quoteResource ? `"${denial.resource}"` : denial.resource;
  const on = style.showResource ? ` on resource: ${resource}` : '';
  const why = denial.explicit
    ? 'with an explicit deny in an identity-based policy'
    : `because no identity-based policy allows the ${denial.action} action`;
  return `User: ${denial.principalArn} is not authorized to perform: ${denial.action}${on} ${why}`;
}

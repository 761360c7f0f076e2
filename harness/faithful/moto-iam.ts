/**
 * moto's IAM query API, called as one account: moto picks the account from `x-moto-account-id`
 * and the service from the credential scope (it does not check the signature). No IAM client is a
 * dependency of the project, so the layer and the tests that make roles speak the query API here.
 */
export async function iamCall(
  account: string,
  action: string,
  params: Record<string, string>,
  endpoint: string,
): Promise<{ status: number; xml: string }> {
  const body = new URLSearchParams({ Action: action, Version: '2010-05-08', ...params }).toString();
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-moto-account-id': account,
      authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body,
  });
  return { status: res.status, xml: await res.text() };
}

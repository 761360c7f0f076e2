/**
 * The layer's own view of moto: EC2 clients straight to moto (never through the layer), in any
 * region and account. moto picks the account from the `x-moto-account-id` header, else from the
 * access key; the layer learns a caller's account by asking moto's STS with the caller's key.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { Route53Client } from '@aws-sdk/client-route-53';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

const SECRET = 'unused-moto-does-not-check-signatures';

/** moto's raw answer to a call the layer makes itself (its XML or JSON, as the client would get it). */
export interface MotoAnswer {
  status: number;
  text: string;
}

export class MotoReader {
  private readonly clients = new Map<string, EC2Client>();
  private readonly accounts = new Map<string, Promise<string>>();
  private readonly route53Clients = new Map<string, Route53Client>();

  constructor(readonly url: string) {}

  /** EC2 in `region` as seen by `account` (the caller's, when undefined). */
  ec2(region: string, account?: string): EC2Client {
    const key = `${region}|${account ?? ''}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new EC2Client({
        region,
        endpoint: this.url,
        credentials: { accessKeyId: 'faithful-layer', secretAccessKey: SECRET },
        maxAttempts: 3,
      });
      if (account !== undefined) {
        client.middlewareStack.add(
          (next) => async (args) => {
            (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = account;
            return next(args);
          },
          { step: 'build', name: 'motoAccount' },
        );
      }
      this.clients.set(key, client);
    }
    return client;
  }

  /** The account moto gives the caller who signed with `accessKeyId`. */
  accountOf(accessKeyId: string | undefined): Promise<string> {
    const key = accessKeyId ?? 'test';
    let account = this.accounts.get(key);
    if (!account) {
      const sts = new STSClient({
        region: 'us-east-1',
        endpoint: this.url,
        credentials: { accessKeyId: key, secretAccessKey: SECRET },
      });
      account = sts.send(new GetCallerIdentityCommand({})).then((out) => out.Account ?? '');
      account.catch(() => this.accounts.delete(key));
      this.accounts.set(key, account);
    }
    return account;
  }

  /** An EC2 client acting as the caller of `call` (same region, same account). */
  async asCaller(region: string | undefined, accessKeyId: string | undefined): Promise<EC2Client> {
    return this.ec2(region ?? 'us-east-1', await this.accountOf(accessKeyId));
  }

  /**
   * A call straight to moto, signed (moto reads only the scope) as `accessKeyId` in `region`, so
   * that moto answers for the caller's account. For the query APIs (RDS) `body` is the form
   * parameters; for REST ones (Route 53) `path` and an optional body.
   */
  async raw(
    service: string,
    region: string,
    accessKeyId: string | undefined,
    request: { method?: string; path?: string; form?: Record<string, string>; body?: string },
  ): Promise<MotoAnswer> {
    const credential = `${accessKeyId ?? 'test'}/20200101/${region}/${service}/aws4_request`;
    const headers: Record<string, string> = {
      authorization: `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=host, Signature=0`,
    };
    let body = request.body;
    if (request.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(request.form).toString();
    }
    const res = await fetch(`${this.url}${request.path ?? '/'}`, {
      method: request.method ?? 'POST',
      headers,
      ...(body === undefined ? {} : { body }),
    });
    return { status: res.status, text: await res.text() };
  }

  /** Route 53 straight to moto, for the caller who signed with `accessKeyId` (moto's account follows the key). */
  route53(accessKeyId: string | undefined): Route53Client {
    const key = accessKeyId ?? 'test';
    let client = this.route53Clients.get(key);
    if (!client) {
      client = new Route53Client({
        region: 'us-east-1',
        endpoint: this.url,
        credentials: { accessKeyId: key, secretAccessKey: SECRET },
        maxAttempts: 3,
      });
      this.route53Clients.set(key, client);
    }
    return client;
  }

  /** An RDS query call straight to moto (Version 2014-10-31). */
  rds(region: string, accessKeyId: string | undefined, form: Record<string, string>): Promise<MotoAnswer> {
    return this.raw('rds', region, accessKeyId, { form: { Version: '2014-10-31', ...form } });
  }

  close(): void {
    for (const client of [...this.clients.values(), ...this.route53Clients.values()]) client.destroy();
    this.clients.clear();
    this.route53Clients.clear();
  }
}

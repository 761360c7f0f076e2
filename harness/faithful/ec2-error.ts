/** An EC2 error answer, as AWS sends it: HTTP 400 and the code in `<Errors><Error>`. */
import { type Answer, xmlAnswer } from '../fault-proxy/http';
import { errorXml } from '../fault-proxy/xml';

export function ec2Error(code: string, message: string, status = 400): Answer {
  return xmlAnswer(status, errorXml('ec2', status, code, message));
}

/** The answer body as text, for the behaviours that read moto's XML. */
export function bodyText(answer: Answer): string {
  return answer.body.toString('utf8');
}

export function withBody(answer: Answer, xml: string): Answer {
  return { ...answer, body: Buffer.from(xml, 'utf8') };
}

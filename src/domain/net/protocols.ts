/** IANA protocol numbers, as EC2 names them in network ACL entries. */
export const PROTOCOL_NUMBER = { tcp: '6', udp: '17', icmp: '1' } as const;

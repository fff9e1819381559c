/**
 * The version 2 configuration format (docs/config.md): JSON, camelCase, one object per connection.
 * parseConfig returns it with every default filled in.
 */

/** An identity as text: "fqdn:alice.example", "ipv4:10.0.0.1", "ipv6:2001:db8::1", "rfc822:a@b", "keyid:<hex>", "dn:<hex>". */
export type IdText = string;

export interface IkeConfig {
  version: 2;
  name?: string;
  local: { address: string; port: number; nattPort?: number; id: IdText };
  remote: { address: string; port: number; nattPort?: number; id?: IdText };
  /** UTF-8 text, or hex bytes when written "0x...". */
  psk: string;
  ike: {
    proposals: string[];
    /** Seconds. */
    lifetime?: number;
    /** Seconds after which the IKE SA is rekeyed. */
    rekeyTime?: number;
    allowWeak?: boolean;
    /** RFC 7383 fragmentation with this MTU, or off. */
    fragmentation?: { mtu: number } | false;
    /** Seconds of silence before a liveness check (RFC 7296 section 2.4); 0 or absent: off. */
    dpdDelay?: number;
    /** Seconds between NAT keepalives (RFC 3948 section 4); absent: the session's default. */
    natKeepalive?: number;
  };
  child: {
    proposals: string[];
    localTs: string[];
    remoteTs: string[];
    mode?: 'tunnel' | 'transport';
    /** A key exchange keyword ("modp2048", "ecp256") for PFS in CREATE_CHILD_SA, or false. */
    pfs?: string | false;
    lifetime?: number;
    rekeyTime?: number;
    esn?: boolean;
    requestVirtualIp?: boolean;
  };
}

package io.varmor.k8s.tls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A self-signed CA that issues serving certificates (ECDSA P-256, SHA-256), with nothing but the JDK. The operator
 * uses it when no certificate is mounted (development, tests); in a cluster the Helm chart provides the pair.
 */
public final class CertificateAuthority {
    private static final String EC_SHA256 = "1.2.840.10045.4.3.2";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair keys;
    private final X509Certificate certificate;

    private CertificateAuthority(KeyPair keys, X509Certificate certificate) {
        this.keys = keys;
        this.certificate = certificate;
    }

    /** A key pair and certificate, PEM-encodable. */
    public record Issued(X509Certificate certificate, PrivateKey key, X509Certificate issuer) {
        public String certificatePem() {
            return Pem.certificate(certificate);
        }

        public String keyPem() {
            return Pem.privateKey(key);
        }

        public String caPem() {
            return Pem.certificate(issuer);
        }
    }

    /** Creates a new CA named {@code commonName}, valid for {@code validity}. */
    public static CertificateAuthority create(String commonName, Duration validity) {
        KeyPair kp = newKeyPair();
        X509Certificate cert = sign(commonName, commonName, kp, kp.getPrivate(), validity, true, List.of());
        return new CertificateAuthority(kp, cert);
    }

    /** An existing CA (its certificate and private key), to issue more certificates from it. */
    public static CertificateAuthority of(X509Certificate certificate, PrivateKey key) {
        return new CertificateAuthority(new KeyPair(certificate.getPublicKey(), key), certificate);
    }

    /** The CA's private key, PEM (PKCS#8). */
    public String keyPem() {
        return Pem.privateKey(keys.getPrivate());
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** Issues a serving certificate for the DNS names and IP addresses in {@code subjectAltNames}. */
    public Issued issue(String commonName, List<String> subjectAltNames, Duration validity) {
        KeyPair kp = newKeyPair();
        X509Certificate cert = sign(commonName, issuerName(), kp, keys.getPrivate(), validity, false, subjectAltNames);
        return new Issued(cert, kp.getPrivate(), certificate);
    }

    private String issuerName() {
        String dn = certificate.getSubjectX500Principal().getName();
        return dn.startsWith("CN=") ? dn.substring(3) : dn;
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is not available", e);
        }
    }

    private static byte[] name(String cn) {
        return Der.sequence(Der.set(Der.sequence(Der.oid("2.5.4.3"), Der.utf8(cn))));
    }

    private static X509Certificate sign(String subject, String issuer, KeyPair subjectKeys, PrivateKey signer,
                                        Duration validity, boolean ca, List<String> sans) {
        try {
            byte[] alg = Der.sequence(Der.oid(EC_SHA256));
            ZonedDateTime now = ZonedDateTime.now().minusMinutes(5);
            List<byte[]> ext = new ArrayList<>();
            ext.add(extension("2.5.29.19", true, ca ? Der.sequence(Der.bool(true)) : Der.sequence()));
            // keyUsage: digitalSignature (bit 0) for leaves, keyCertSign + cRLSign (bits 5, 6) for the CA
            ext.add(extension("2.5.29.15", true, Der.tlv(0x03, ca ? new byte[] {1, 0x06} : new byte[] {7, (byte) 0x80})));
            if (!ca) {
                ext.add(extension("2.5.29.37", false, Der.sequence(Der.oid("1.3.6.1.5.5.7.3.1"), Der.oid("1.3.6.1.5.5.7.3.2"))));
                List<byte[]> names = new ArrayList<>();
                for (String s : sans) {
                    names.add(isIp(s) ? Der.implicit(7, InetAddress.getByName(s).getAddress())
                            : Der.implicit(2, s.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
                }
                ext.add(extension("2.5.29.17", false, Der.sequence(names.toArray(byte[][]::new))));
            }
            byte[] tbs = Der.sequence(
                    Der.explicit(0, Der.integer(BigInteger.TWO)),
                    Der.integer(new BigInteger(64, RANDOM).add(BigInteger.ONE)),
                    alg,
                    name(issuer),
                    Der.sequence(Der.utcTime(now), Der.utcTime(now.plus(validity))),
                    name(subject),
                    subjectKeys.getPublic().getEncoded(),
                    Der.explicit(3, Der.sequence(ext.toArray(byte[][]::new))));
            Signature sig = Signature.getInstance("SHA256withECDSA");
            sig.initSign(signer);
            sig.update(tbs);
            byte[] der = Der.sequence(tbs, alg, Der.bits(sig.sign()));
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException | UnknownHostException e) {
            throw new IllegalStateException("cannot issue a certificate for " + subject + ": " + e.getMessage(), e);
        }
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octets(value)) : Der.sequence(Der.oid(oid), Der.octets(value));
    }

    private static boolean isIp(String s) {
        return s.matches("[0-9.]+") || s.contains(":");
    }
}

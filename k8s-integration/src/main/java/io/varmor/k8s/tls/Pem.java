package io.varmor.k8s.tls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM reading and writing for certificates and private keys (PKCS#8, and PKCS#1 RSA as Helm's genSignedCert writes). */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");

    private Pem() {}

    public static String certificate(X509Certificate c) {
        try {
            return block("CERTIFICATE", c.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String privateKey(PrivateKey k) {
        return block("PRIVATE KEY", k.getEncoded());
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Every certificate in a PEM text, in order. */
    public static List<X509Certificate> certificates(String pem) {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            Matcher m = BLOCK.matcher(pem);
            while (m.find()) {
                if (m.group(1).equals("CERTIFICATE")) {
                    out.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(decode(m.group(2)))));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("invalid certificate PEM: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no CERTIFICATE block in PEM text");
        }
        return out;
    }

    /** The first private key in a PEM text (PKCS#8 EC/RSA, or PKCS#1 RSA). */
    public static PrivateKey privateKey(String pem) {
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            byte[] der = decode(m.group(2));
            switch (m.group(1)) {
                case "PRIVATE KEY":
                    return pkcs8(der);
                case "RSA PRIVATE KEY":
                    byte[] wrapped = Der.sequence(Der.integer(BigInteger.ZERO),
                            Der.sequence(Der.oid("1.2.840.113549.1.1.1"), Der.nul()), Der.octets(der));
                    return pkcs8(wrapped);
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("no PRIVATE KEY or RSA PRIVATE KEY block in PEM text");
    }

    private static PrivateKey pkcs8(byte[] der) {
        for (String alg : List.of("EC", "RSA")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("unsupported private key (expected EC or RSA in PKCS#8 or PKCS#1)");
    }

    private static byte[] decode(String body) {
        return Base64.getMimeDecoder().decode(body.trim());
    }
}

package io.github.drkit.core.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FingerprintAndCodecTest {

    @Test
    void sha256MatchesTheFipsTestVector() {
        assertThat(Fingerprint.sha256("abc").value())
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Fingerprint.sha256("abc".getBytes(StandardCharsets.UTF_8))).isEqualTo(Fingerprint.sha256("abc"));
        assertThat(Fingerprint.sha256("abd")).isNotEqualTo(Fingerprint.sha256("abc"));
    }

    @Test
    void rejectsBadFingerprintsNamingTheField() {
        assertThatThrownBy(() -> Fingerprint.of(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fingerprint must be 1-128 printable ASCII characters (was 0 characters)");
        assertThatThrownBy(() -> Fingerprint.of("f".repeat(129)))
                .hasMessageStartingWith("fingerprint must be 1-128 printable ASCII characters (was 129 characters");
        assertThatThrownBy(() -> Fingerprint.of("\u00ff"))
                .hasMessage(
                        "fingerprint must contain only printable ASCII characters 0x20-0x7E (found U+00FF at index 0)");
        assertThatThrownBy(() -> Fingerprint.sha256((String) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("payload must not be null");
    }

    @Test
    void utf8CodecRoundTripsAndRefusesNull() {
        ResultCodec<String> codec = ResultCodec.utf8();
        assertThat(codec.decode(codec.encode("주문 42"))).isEqualTo("주문 42");
        assertThatThrownBy(() -> codec.encode(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("the utf8 codec cannot encode a null result");
    }

    @Test
    void bytesCodecCopiesBothWays() {
        ResultCodec<byte[]> codec = ResultCodec.bytes();
        byte[] original = {1, 2, 3};
        byte[] stored = codec.encode(original);
        original[0] = 9;
        assertThat(stored).containsExactly(1, 2, 3);
        byte[] decoded = codec.decode(stored);
        decoded[1] = 9;
        assertThat(stored).containsExactly(1, 2, 3);
    }

    @Test
    void noneCodecStoresNothingAndReplaysNull() {
        ResultCodec<Void> codec = ResultCodec.none();
        assertThat(codec.encode(null)).isEmpty();
        assertThat(codec.decode(new byte[0])).isNull();
    }
}

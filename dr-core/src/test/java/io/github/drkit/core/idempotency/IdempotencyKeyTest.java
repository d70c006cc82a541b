package io.github.drkit.core.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdempotencyKeyTest {

    @Test
    void acceptsOneTo255PrintableAsciiCharactersIncludingSpaceAndTilde() {
        assertThat(IdempotencyKey.of("t", "k").key()).isEqualTo("k");
        String longest = "a".repeat(255);
        assertThat(IdempotencyKey.of(longest, longest).scope()).hasSize(255);
        assertThat(IdempotencyKey.of("tenant 1", " ~!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}")
                        .key())
                .startsWith(" ~");
    }

    @Test
    void equalityNeedsScopeAndKey() {
        assertThat(IdempotencyKey.of("a", "k")).isEqualTo(IdempotencyKey.of("a", "k"));
        assertThat(IdempotencyKey.of("a", "k")).isNotEqualTo(IdempotencyKey.of("b", "k"));
        assertThat(IdempotencyKey.of("a", "k")).hasToString("a/k");
    }

    @Test
    void rejectsEmptyKeyNamingTheField() {
        assertThatThrownBy(() -> IdempotencyKey.of("tenant", ""))
                .isInstanceOf(InvalidIdempotencyKeyException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key must be 1-255 printable ASCII characters (was 0 characters)");
    }

    @Test
    void rejects256CharactersShowingTheLengthAndAPrefix() {
        assertThatThrownBy(() -> IdempotencyKey.of("tenant", "x".repeat(256)))
                .isInstanceOf(InvalidIdempotencyKeyException.class)
                .hasMessageStartingWith("key must be 1-255 printable ASCII characters (was 256 characters: \"xxxx")
                .hasMessageEndingWith("...\")");
    }

    @ParameterizedTest
    @ValueSource(strings = {"caf\u00e9", "tab\there", "new\nline", "del\u007f", "emoji\ud83d\ude00"})
    void rejectsCharactersOutsidePrintableAscii(String bad) {
        assertThatThrownBy(() -> IdempotencyKey.of("tenant", bad))
                .isInstanceOf(InvalidIdempotencyKeyException.class)
                .hasMessageStartingWith("key must contain only printable ASCII characters 0x20-0x7E (found U+");
    }

    @Test
    void namesTheIndexAndCodePointOfTheBadCharacter() {
        assertThatThrownBy(() -> IdempotencyKey.of("tenant", "ab\u00e9"))
                .hasMessage("key must contain only printable ASCII characters 0x20-0x7E (found U+00E9 at index 2)");
    }

    @Test
    void validatesTheScopeToo() {
        assertThatThrownBy(() -> IdempotencyKey.of(null, "k"))
                .isInstanceOf(InvalidIdempotencyKeyException.class)
                .hasMessage("scope must not be null");
        assertThatThrownBy(() -> IdempotencyKey.of("s\u0000", "k"))
                .isInstanceOf(InvalidIdempotencyKeyException.class)
                .hasMessage("scope must contain only printable ASCII characters 0x20-0x7E (found U+0000 at index 1)");
        assertThatThrownBy(() -> IdempotencyKey.of("s", null))
                .isInstanceOf(InvalidIdempotencyKeyException.class)
                .hasMessage("key must not be null");
    }
}

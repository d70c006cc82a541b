package io.github.drkit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MariaDbBinariesTest {

    @Test
    void bundledTreeHasTheServerTheInstallerAndItsMessages() {
        MariaDbBinaries bundled = MariaDbBinaries.bundled();

        assertThat(bundled.source()).startsWith("bundled (classpath) ");
        assertThat(bundled.server()).isExecutable().endsWith(Path.of("bin", "mariadbd"));
        assertThat(bundled.installer()).isExecutable().endsWith(Path.of("scripts", "mariadb-install-db"));
        assertThat(bundled.messagesDir())
                .hasValueSatisfying(
                        d -> assertThat(d.resolve("english/errmsg.sys")).isRegularFile());
        assertThat(MariaDbBinaries.bundled()).isSameAs(bundled);
    }

    @Test
    void anExplicitBaseDirectoryIsUsedAsGiven() {
        Path base = MariaDbBinaries.bundled().baseDir();

        MariaDbBinaries explicit = MariaDbBinaries.at(base);

        assertThat(explicit.server()).isEqualTo(base.resolve("bin/mariadbd"));
        assertThat(explicit.source()).isEqualTo("explicit " + base);
    }

    @Test
    void aBaseDirectoryWithoutAServerIsRejected() throws Exception {
        Path empty = Files.createTempDirectory("no-mariadb");
        try {
            assertThatThrownBy(() -> MariaDbBinaries.at(empty))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(empty + " has no executable bin/mariadbd");
            String before = System.getProperty(MariaDbBinaries.BASEDIR_PROPERTY);
            System.setProperty(MariaDbBinaries.BASEDIR_PROPERTY, empty.toString());
            try {
                assertThatThrownBy(MariaDbBinaries::locate)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage(MariaDbBinaries.BASEDIR_PROPERTY + "/" + MariaDbBinaries.BASEDIR_ENV + " names "
                                + empty + ", which has no executable mariadbd with mariadb-install-db");
            } finally {
                if (before == null) {
                    System.clearProperty(MariaDbBinaries.BASEDIR_PROPERTY);
                } else {
                    System.setProperty(MariaDbBinaries.BASEDIR_PROPERTY, before);
                }
            }
        } finally {
            Files.delete(empty);
        }
    }
}

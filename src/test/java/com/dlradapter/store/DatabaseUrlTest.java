package com.dlradapter.store;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** dlr.db.url: H2 gets the settings the SQL needs, a contradicting or foreign URL is refused by name. */
class DatabaseUrlTest {

    private static final String PERFORMANCE_DEFAULTS = ";CACHE_SIZE=65536;QUERY_CACHE_SIZE=64;ANALYZE_AUTO=100000;DB_CLOSE_ON_EXIT=FALSE";


    @Test
    void anH2UrlGetsTheSettingsItLacks() {
        DatabaseUrl plain = DatabaseUrl.of("jdbc:h2:file:/var/lib/dlr/db");
        assertThat(plain.url()).startsWith("jdbc:h2:file:/var/lib/dlr/db;")
                .contains(";MODE=PostgreSQL").contains(";DATABASE_TO_LOWER=TRUE").contains(";DEFAULT_NULL_ORDERING=HIGH");
        assertThat(plain.h2File()).isEqualTo(Path.of("/var/lib/dlr/db.mv.db"));
        assertThat(plain.poolUrl()).isEqualTo(plain.url() + ";IFEXISTS=TRUE");

        DatabaseUrl partly = DatabaseUrl.of("jdbc:h2:./data/dlr;mode=postgresql;CIPHER=AES");
        assertThat(partly.url()).isEqualTo("jdbc:h2:./data/dlr;mode=postgresql;CIPHER=AES;DATABASE_TO_LOWER=TRUE"
                + ";DEFAULT_NULL_ORDERING=HIGH" + PERFORMANCE_DEFAULTS);
        assertThat(partly.url()).doesNotContain("MODE=PostgreSQL").contains("DATABASE_TO_LOWER=TRUE");
        assertThat(partly.h2File()).isEqualTo(Path.of("./data/dlr.mv.db"));

        DatabaseUrl complete = DatabaseUrl.of("jdbc:h2:file:./data/dlr;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
        // nothing but the performance defaults added to a URL that has every setting the adapter needs
        assertThat(complete.url()).isEqualTo("jdbc:h2:file:./data/dlr;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
                + PERFORMANCE_DEFAULTS);
        // the performance defaults are added unless set; a URL's own value is kept
        assertThat(plain.url()).contains(";CACHE_SIZE=65536").contains(";QUERY_CACHE_SIZE=64");
        assertThat(DatabaseUrl.of("jdbc:h2:file:/x/db;CACHE_SIZE=1024").url()).contains(";CACHE_SIZE=1024")
                .doesNotContain("CACHE_SIZE=65536").contains(";QUERY_CACHE_SIZE=64");
        assertThat(DatabaseUrl.of("jdbc:h2:~/dlr").h2File()).isEqualTo(Path.of(System.getProperty("user.home") + "/dlr.mv.db"));
        assertThat(DatabaseUrl.of("jdbc:h2:nio:/var/lib/dlr/db").h2File()).isEqualTo(Path.of("/var/lib/dlr/db.mv.db"));
        assertThat(DatabaseUrl.of("jdbc:h2:async:file:/var/lib/dlr/db").isEmbeddedH2()).isTrue();
        assertThat(DatabaseUrl.of("jdbc:h2:file:/x/db;IFEXISTS=FALSE").poolUrl()).doesNotContain("IFEXISTS=TRUE");
    }

    @Test
    void inMemoryAndRemoteH2HaveNoFileOfOurs() {
        for (String url : new String[] {"jdbc:h2:mem:dlr", "jdbc:h2:tcp://db:9092/dlr", "jdbc:h2:ssl://db/dlr"}) {
            DatabaseUrl h2 = DatabaseUrl.of(url);
            assertThat(h2.h2File()).as(url).isNull();
            assertThat(h2.url()).as(url).contains("MODE=PostgreSQL");
            assertThat(h2.poolUrl()).as(url).doesNotContain("IFEXISTS");
        }
    }

    @Test
    void postgresqlIsTakenAsItIs() {
        DatabaseUrl pg = DatabaseUrl.of("jdbc:postgresql://db:5432/dlr?user=dlr&password=secret");
        assertThat(pg.url()).isEqualTo("jdbc:postgresql://db:5432/dlr?user=dlr&password=secret");
        assertThat(pg.h2File()).isNull();
        assertThat(pg.describe()).isEqualTo("jdbc:postgresql://db:5432/dlr?user=dlr&password=***");
    }

    @Test
    void aContradictingSettingOrAnotherDatabaseIsRefusedByName() {
        assertThatThrownBy(() -> DatabaseUrl.of("jdbc:h2:file:/x/db;DATABASE_TO_LOWER=FALSE"))
                .hasMessage("dlr.db.url sets DATABASE_TO_LOWER=FALSE, but the adapter needs DATABASE_TO_LOWER=TRUE"
                        + " (leave it out: the adapter adds it)");
        assertThatThrownBy(() -> DatabaseUrl.of("jdbc:h2:file:/x/db;DEFAULT_NULL_ORDERING=LOW"))
                .hasMessageContaining("DEFAULT_NULL_ORDERING=HIGH");
        assertThatThrownBy(() -> DatabaseUrl.of("jdbc:mysql://db/dlr?password=secret"))
                .hasMessageStartingWith("dlr.db.url: 'jdbc:mysql://db/dlr?password=***' is not a supported database");
        assertThatThrownBy(() -> DatabaseUrl.of("")).hasMessageContaining("dlr.db.url");
        assertThatThrownBy(() -> DatabaseUrl.of("jdbc:h2:;MODE=PostgreSQL")).hasMessageContaining("names no H2 database");
    }
}

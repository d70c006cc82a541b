package io.github.drkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.drkit.spring.app.OrderController;
import io.github.drkit.spring.app.TestApp;
import io.github.drkit.spring.app.TestHttp;
import io.github.drkit.spring.internal.IdempotencyFilter;
import io.github.drkit.testkit.PostgresClusterExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code dr.idempotency.store=auto} never picks the per-instance memory store silently: an
 * application with {@code @Idempotent} handlers and a plain (not drkit's routing) data source does
 * not start, with a message naming the property, the handlers and the fixes; {@code jdbc} on the
 * same data source works over real HTTP; {@code memory} is an explicit choice.
 */
class IdempotencyStoreSelectionTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().standbys(0).build();

    @BeforeAll
    static void schema() {
        PG.cluster().primary().execute("CREATE TABLE orders (id bigserial PRIMARY KEY, item text NOT NULL)");
    }

    private static ConfigurableApplicationContext start(String... extra) {
        List<String> properties = new ArrayList<>(List.of(
                TestApp.WITHOUT_SECURITY,
                "server.port=0",
                "server.address=127.0.0.1",
                "spring.datasource.url=" + PG.cluster().primary().jdbcUrl(),
                "spring.datasource.username=" + PG.cluster().primary().username()));
        properties.addAll(List.of(extra));
        return new SpringApplicationBuilder(TestApp.class)
                .properties(properties.toArray(String[]::new))
                .run();
    }

    @Test
    void autoWithoutASharedStoreRefusesToStartAndNamesTheFixes() {
        assertThatThrownBy(() -> start())
                .hasStackTraceContaining("dr.idempotency.store with value 'auto' is invalid")
                .hasStackTraceContaining("OrderController#create")
                .hasStackTraceContaining("per instance")
                .hasStackTraceContaining("dr.idempotency.store=jdbc")
                .hasStackTraceContaining("dr.idempotency.store=memory");
    }

    @Test
    void jdbcOnAPlainDataSourceKeepsTheRecordsInTheRequestsTransaction() {
        try (ConfigurableApplicationContext context =
                start("dr.idempotency.store=jdbc", "dr.idempotency.jdbc.create-table=true")) {
            FilterRegistrationBean<?> filter = context.getBean("drIdempotencyFilter", FilterRegistrationBean.class);
            assertThat(((IdempotencyFilter) filter.getFilter()).describeStore()).startsWith("JDBC table");
            TestHttp http = TestHttp.of(context);
            int before = OrderController.CREATED.get();

            TestHttp.Response first = http.post("/orders", "plain", "application/json", "Idempotency-Key", "p-1");
            TestHttp.Response again = http.post("/orders", "plain", "application/json", "Idempotency-Key", "p-1");

            assertThat(first.status()).isEqualTo(201);
            assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
            assertThat(OrderController.CREATED.get() - before).isEqualTo(1);
            assertThat(PG.cluster()
                            .primary()
                            .queryLong("SELECT count(*) FROM drkit_idempotency WHERE idem_key = 'p-1'"))
                    .isEqualTo(1);
        }
    }

    @Test
    void memoryIsAnExplicitChoice() {
        try (ConfigurableApplicationContext context = start("dr.idempotency.store=memory")) {
            FilterRegistrationBean<?> filter = context.getBean("drIdempotencyFilter", FilterRegistrationBean.class);
            assertThat(((IdempotencyFilter) filter.getFilter()).describeStore()).startsWith("InMemoryIdempotencyStore");
        }
    }
}

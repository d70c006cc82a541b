package io.github.drkit.spring.console;

import java.lang.reflect.Method;
import org.springframework.util.ClassUtils;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * The CSRF token Spring Security expects for the current request, as {@code <meta>} tags the
 * console's script reads. Spring Security is optional for the starter, so its {@code CsrfToken} is
 * read reflectively from the request attribute {@code _csrf} that its CSRF filter sets (servlet
 * stack). No filter, no attribute: CSRF protection is off (for example a stateless API with HTTP
 * Basic) and the page sends no token.
 */
final class Csrf {

    private static final String TOKEN_TYPE = "org.springframework.security.web.csrf.CsrfToken";
    private static final String ATTRIBUTE = "_csrf";

    private Csrf() {}

    /**
     * The meta tags for the current request.
     *
     * @return {@code <meta name="drkit-csrf-header" ...><meta name="drkit-csrf-token" ...>}, or an
     *     empty string when there is no CSRF token
     */
    static String metaTags() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (attributes == null) {
            return "";
        }
        Object token = attributes.getAttribute(ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
        if (token == null) {
            return "";
        }
        try {
            Class<?> type = ClassUtils.forName(TOKEN_TYPE, token.getClass().getClassLoader());
            if (!type.isInstance(token)) {
                return "";
            }
            Method header = type.getMethod("getHeaderName");
            Method value = type.getMethod("getToken");
            Object headerName = header.invoke(token);
            Object tokenValue = value.invoke(token);
            if (headerName == null || tokenValue == null) {
                return "";
            }
            return "<meta name=\"drkit-csrf-header\" content=\"" + Html.escape(headerName.toString()) + "\">"
                    + "<meta name=\"drkit-csrf-token\" content=\"" + Html.escape(tokenValue.toString()) + "\">";
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("cannot read Spring Security's CSRF token for the DR console", e);
        }
    }
}

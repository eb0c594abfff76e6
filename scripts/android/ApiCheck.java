// minSdk guard: animal-sniffer's SignatureChecker over the classes that ship in the app,
// against Android API 26's signature (net.sf.androidscents.signature:android-api-level-26).
// References to the app's own classes and its libraries (AndroidX, Kotlin, JNA) are not
// checked; calls made only on newer levels sit in code marked @RequiresApi (or
// @TargetApi), which the checker skips, as Android's lint does after an SDK_INT check.
//
// Usage: java ApiCheck <signature> <jars to check, colon-separated> <library classpath>
// Exits 1 and prints each violation when a class uses an API missing on Android 8.0.
import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import org.codehaus.mojo.animal_sniffer.ClassListBuilder;
import org.codehaus.mojo.animal_sniffer.SignatureChecker;
import org.codehaus.mojo.animal_sniffer.logging.Logger;

public class ApiCheck {
    static int errors = 0;

    static final class Out implements Logger {
        final boolean counting;
        Out(boolean counting) { this.counting = counting; }
        public void info(String m) {}
        public void info(String m, Throwable t) {}
        public void debug(String m) {}
        public void debug(String m, Throwable t) {}
        public void warn(String m) { System.out.println("warning: " + m); }
        public void warn(String m, Throwable t) { warn(m); }
        public void error(String m) { if (counting) errors++; System.out.println(m); }
        public void error(String m, Throwable t) { error(m); }
    }

    public static void main(String[] args) throws Exception {
        ClassListBuilder known = new ClassListBuilder(new Out(false));
        for (String path : args[2].split(":")) {
            if (!path.isEmpty()) known.process(new File(path));
        }
        for (String path : args[1].split(":")) known.process(new File(path));
        Set<String> ignored = known.getPackages();
        SignatureChecker checker;
        try (InputStream signature = new FileInputStream(args[0])) {
            checker = new SignatureChecker(signature, ignored, new Out(true));
        }
        checker.setSourcePath(List.of());
        checker.setAnnotationTypes(List.of("androidx.annotation.RequiresApi", "android.annotation.TargetApi"));
        for (String path : args[1].split(":")) checker.process(new File(path));
        System.out.println("API 26 violations: " + errors);
        System.exit(checker.isSignatureBroken() || errors > 0 ? 1 : 0);
    }
}

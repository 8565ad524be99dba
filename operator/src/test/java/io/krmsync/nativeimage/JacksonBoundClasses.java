package io.krmsync.nativeimage;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.signature.SignatureReader;
import org.objectweb.asm.signature.SignatureVisitor;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;
import org.objectweb.asm.tree.analysis.SimpleVerifier;

/**
 * The project classes the operator reads from or writes to JSON/YAML with Jackson, through fabric8's
 * {@code KubernetesSerialization} (the client, the operator SDK's informers, status updates) or a Jackson mapper. A
 * native image shows Jackson only the constructors, fields and methods of classes registered for reflection, so each
 * of these must be in the image's reflection configuration. Found in the production bytecode:
 * <ul>
 * <li>every custom resource class;</li>
 * <li>every project class handed to a Jackson call, as a class literal or as the static type of an argument;</li>
 * <li>and, because Jackson walks whole objects, the project types of their fields, getters and superclasses,
 * generic type arguments included, transitively.</li>
 * </ul>
 */
final class JacksonBoundClasses {

    private static final String CUSTOM_RESOURCE = "io/fabric8/kubernetes/client/CustomResource";
    private static final String KUBERNETES_SERIALIZATION = "io/fabric8/kubernetes/client/utils/KubernetesSerialization";
    private static final String SERIALIZATION = "io/fabric8/kubernetes/client/utils/Serialization";
    private static final String JACKSON_DATABIND = "com/fasterxml/jackson/databind/";

    private JacksonBoundClasses() {
    }

    /** Internal names ({@code io/krmsync/...}), sorted. */
    static Set<String> in(ProjectClasses classes) {
        Deque<String> pending = new ArrayDeque<>();
        classes.production().forEach(compiled -> {
            if (isCustomResource(classes, compiled.node())) {
                pending.add(compiled.name());
            }
            for (MethodNode method : compiled.node().methods) {
                pending.addAll(handedToJackson(compiled.node(), method));
            }
        });
        Set<String> bound = new TreeSet<>();
        while (!pending.isEmpty()) {
            String name = pending.pop();
            if (!bound.add(name)) {
                continue;
            }
            ClassNode node = classes.get(name)
                    .orElseThrow(() -> new IllegalStateException("No compiled class " + name))
                    .node();
            pending.addAll(projectTypesJacksonWalks(node));
        }
        return bound;
    }

    static boolean isJacksonCall(MethodInsnNode call) {
        return call.owner.equals(KUBERNETES_SERIALIZATION) || call.owner.equals(SERIALIZATION)
                || call.owner.startsWith(JACKSON_DATABIND)
                        && (call.owner.endsWith("Mapper") || call.owner.endsWith("Reader") || call.owner.endsWith("Writer"));
    }

    private static boolean isCustomResource(ProjectClasses classes, ClassNode node) {
        String superName = node.superName;
        while (superName != null && ProjectClasses.isProjectClass(superName)) {
            superName = classes.get(superName).map(c -> c.node().superName).orElse(null);
        }
        return CUSTOM_RESOURCE.equals(superName);
    }

    private static Set<String> handedToJackson(ClassNode owner, MethodNode method) {
        Set<String> found = new TreeSet<>();
        boolean callsJackson = false;
        for (AbstractInsnNode insn : method.instructions) {
            if (insn instanceof MethodInsnNode call && isJacksonCall(call)) {
                callsJackson = true;
            }
        }
        if (!callsJackson) {
            return found;
        }
        for (AbstractInsnNode insn : method.instructions) {
            if (insn instanceof LdcInsnNode ldc && ldc.cst instanceof Type type) {
                addProjectClass(type, found);
            }
        }
        Frame<BasicValue>[] frames = staticTypes(owner, method);
        for (int i = 0; i < method.instructions.size(); i++) {
            if (method.instructions.get(i) instanceof MethodInsnNode call && isJacksonCall(call) && frames[i] != null) {
                Frame<BasicValue> frame = frames[i];
                Type[] parameters = Type.getArgumentTypes(call.desc);
                for (int p = 0; p < parameters.length; p++) {
                    BasicValue argument = frame.getStack(frame.getStackSize() - parameters.length + p);
                    if (argument.getType() != null) {
                        addProjectClass(argument.getType(), found);
                    }
                }
            }
        }
        return found;
    }

    private static Frame<BasicValue>[] staticTypes(ClassNode owner, MethodNode method) {
        SimpleVerifier verifier = new SimpleVerifier();
        verifier.setClassLoader(JacksonBoundClasses.class.getClassLoader());
        try {
            return new Analyzer<>(verifier).analyze(owner.name, method);
        } catch (AnalyzerException e) {
            throw new IllegalStateException("Cannot follow the types in " + owner.name + "." + method.name, e);
        }
    }

    private static Set<String> projectTypesJacksonWalks(ClassNode node) {
        Set<String> types = new TreeSet<>();
        // The superclass with its type arguments: a custom resource's spec and status types are only named there.
        if (node.signature != null) {
            new SignatureReader(node.signature).accept(collector(types));
        } else if (node.superName != null) {
            types.add(node.superName);
        }
        for (FieldNode field : node.fields) {
            if ((field.access & (Opcodes.ACC_STATIC | Opcodes.ACC_TRANSIENT)) == 0) {
                new SignatureReader(field.signature != null ? field.signature : field.desc).acceptType(collector(types));
            }
        }
        for (MethodNode method : node.methods) {
            if (isGetter(method)) {
                new SignatureReader(method.signature != null ? method.signature : method.desc).accept(collector(types));
            }
        }
        types.removeIf(type -> !ProjectClasses.isProjectClass(type));
        return types;
    }

    private static boolean isGetter(MethodNode method) {
        return (method.access & Opcodes.ACC_PUBLIC) != 0 && (method.access & Opcodes.ACC_STATIC) == 0
                && Type.getArgumentCount(method.desc) == 0 && Type.getReturnType(method.desc) != Type.VOID_TYPE
                && (method.name.startsWith("get") || method.name.startsWith("is"));
    }

    private static SignatureVisitor collector(Set<String> types) {
        return new SignatureVisitor(Opcodes.ASM9) {
            private String current;

            @Override
            public void visitClassType(String name) {
                current = name;
                types.add(name);
            }

            @Override
            public void visitInnerClassType(String name) {
                current = current + "$" + name;
                types.add(current);
            }
        };
    }

    private static void addProjectClass(Type type, Set<String> found) {
        Type element = type.getSort() == Type.ARRAY ? type.getElementType() : type;
        if (element.getSort() == Type.OBJECT && ProjectClasses.isProjectClass(element.getInternalName())) {
            found.add(element.getInternalName());
        }
    }
}

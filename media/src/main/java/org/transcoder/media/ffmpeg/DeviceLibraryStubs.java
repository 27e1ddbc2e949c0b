package org.transcoder.media.ffmpeg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stand-ins for the audio/video device libraries that the bundled FFmpeg's libavdevice links
 * (PulseAudio, ALSA, XCB) but the pipeline never uses: it reads files and writes files, and opens
 * no capture or playback device. A bare server lacks them (the bundled ffmpeg then dies at start
 * with "libpulse.so.0: cannot open shared object file"), and installing them needs root.
 *
 * <p>Where the loader cannot find one, {@link #writeFor} writes a stub with that library's soname
 * beside the bundled libraries, where their {@code $ORIGIN} runpath finds it first: a minimal
 * x86-64 ELF shared object that defines every symbol libavdevice takes from that library (by name
 * prefix: {@code pa_}, {@code snd_}, {@code xcb_}), each a function returning 0 (NULL, no error).
 * The stubs define the symbol versions libavdevice asks for ({@code PULSE_0}, {@code ALSA_0.9}).
 * Chosen over the alternatives measured in the README ("The two commands"): no FFmpeg build on
 * Maven Central leaves libavdevice out, and no artifact there carries libpulse.
 */
public final class DeviceLibraryStubs {

    /** Device libraries libavdevice links, and the prefix of the symbols it takes from each. */
    static final Map<String, String> DEVICE_LIBRARIES =
            Map.of(
                    "libpulse.so.0", "pa_",
                    "libasound.so.2", "snd_",
                    "libxcb.so.1", "xcb_",
                    "libxcb-shm.so.0", "xcb_shm_");

    /** The loader's complaint: "cannot open shared object file", "file too short", ... */
    private static final Pattern LOAD_ERROR =
            Pattern.compile(
                    "error while loading shared libraries: (?:\\S*/)?(lib[\\w.+-]+\\.so[.\\d]*):");

    private DeviceLibraryStubs() {}

    /** The device library the loader could not find, from a child's stderr, if it is one. */
    public static Optional<String> missingDeviceLibrary(String stderr) {
        Matcher m = LOAD_ERROR.matcher(stderr);
        while (m.find()) {
            if (DEVICE_LIBRARIES.containsKey(m.group(1))) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    /**
     * Writes the stub for {@code soname} into {@code dir}, which holds the bundled libavdevice,
     * atomically (TaskManagers on one machine share the directory). Returns its path.
     */
    public static Path writeFor(String soname, Path dir) throws IOException {
        String prefix = DEVICE_LIBRARIES.get(soname);
        if (prefix == null) {
            throw new IllegalArgumentException(soname + " is not a device library");
        }
        Path avdevice = libavdevice(dir);
        Map<String, String> symbols = new TreeMap<>();
        for (Imported i : importedSymbols(Files.readAllBytes(avdevice))) {
            boolean fromIt =
                    i.library() != null
                            ? i.library().equals(soname)
                            : i.name().startsWith(prefix)
                                    && DEVICE_LIBRARIES.values().stream()
                                            .noneMatch(
                                                    p ->
                                                            p.length() > prefix.length()
                                                                    && p.startsWith(prefix)
                                                                    && i.name().startsWith(p));
            if (fromIt) {
                symbols.put(i.name(), i.version());
            }
        }
        if (symbols.isEmpty()) {
            throw new IOException(avdevice + " takes no symbol from " + soname);
        }
        Path target = dir.resolve(soname);
        Path tmp = Files.createTempFile(dir, soname, ".tmp");
        Files.write(tmp, stub(soname, symbols));
        Files.move(
                tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    private static Path libavdevice(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("libavdevice\\.so\\.\\d+"))
                    .findFirst()
                    .orElseThrow(() -> new IOException("no libavdevice.so.N in " + dir));
        }
    }

    /** A symbol a shared object takes from another: with its version and library, if versioned. */
    record Imported(String name, String version, String library) {}

    /**
     * The undefined symbols of an ELF64 little-endian shared object's .dynsym, each with the
     * version (and the library that defines it) its .gnu.version_r entry requires, if any.
     */
    static List<Imported> importedSymbols(byte[] elf) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        if (elf.length < 64 || b.getInt(0) != 0x464c457f || elf[4] != 2 || elf[5] != 1) {
            throw new IOException("not an ELF64 little-endian object");
        }
        long shoff = b.getLong(0x28);
        int shentsize = Short.toUnsignedInt(b.getShort(0x3A));
        int shnum = Short.toUnsignedInt(b.getShort(0x3C));
        int dynsym = -1;
        int versym = -1;
        int verneed = -1;
        for (int i = 0; i < shnum; i++) {
            int sh = (int) (shoff + (long) i * shentsize);
            switch (b.getInt(sh + 4)) {
                case 11 -> dynsym = sh; // SHT_DYNSYM
                case 0x6fffffff -> versym = sh; // SHT_GNU_versym
                case 0x6ffffffe -> verneed = sh; // SHT_GNU_verneed
                default -> {}
            }
        }
        if (dynsym < 0) {
            throw new IOException("no .dynsym");
        }
        int strtab =
                (int) b.getLong((int) (shoff + (long) b.getInt(dynsym + 0x28) * shentsize) + 0x18);
        // version index -> (version name, library), from the Verneed/Vernaux chains
        Map<Integer, String[]> needed = new TreeMap<>();
        if (verneed >= 0) {
            int vn = (int) b.getLong(verneed + 0x18);
            for (int n = 0; n < b.getInt(verneed + 0x2C); n++) {
                String file = cString(elf, strtab + b.getInt(vn + 4));
                int aux = vn + b.getInt(vn + 8);
                for (int a = 0; a < Short.toUnsignedInt(b.getShort(vn + 2)); a++) {
                    needed.put(
                            Short.toUnsignedInt(b.getShort(aux + 6)),
                            new String[] {cString(elf, strtab + b.getInt(aux + 8)), file});
                    aux += b.getInt(aux + 12);
                }
                vn += b.getInt(vn + 12);
            }
        }
        int offset = (int) b.getLong(dynsym + 0x18);
        int count = (int) (b.getLong(dynsym + 0x20) / 24);
        List<Imported> out = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int s = offset + i * 24;
            if (b.getShort(s + 6) != 0 || b.getInt(s) == 0) { // defined here, or unnamed
                continue;
            }
            String[] version = null;
            if (versym >= 0) {
                int index = b.getShort((int) b.getLong(versym + 0x18) + 2 * i) & 0x7fff;
                version = needed.get(index);
            }
            out.add(
                    new Imported(
                            cString(elf, strtab + b.getInt(s)),
                            version == null ? null : version[0],
                            version == null ? null : version[1]));
        }
        return out;
    }

    /**
     * A minimal ELF64 x86-64 shared object: ELF header, three program headers (one RWX load segment
     * over the whole file, the dynamic segment, a non-executable stack), the code (one {@code xor
     * eax,eax; ret} every symbol points at), the dynamic string and symbol tables, a SysV hash
     * table, the symbol versions the importer asks for (version definitions and the version of each
     * symbol: without them the loader warns at every start and asserts when a versioned function is
     * called), and the dynamic section. {@code symbols} maps each name to its version (null:
     * unversioned).
     */
    static byte[] stub(String soname, Map<String, String> symbols) {
        List<String> names = new ArrayList<>(symbols.keySet());
        List<String> versions =
                new ArrayList<>(
                        new TreeSet<>(symbols.values().stream().filter(v -> v != null).toList()));
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        strings.write(0);
        int sonameOffset = addString(strings, soname);
        int[] nameOffsets = new int[names.size()];
        for (int i = 0; i < names.size(); i++) {
            nameOffsets[i] = addString(strings, names.get(i));
        }
        int[] versionOffsets = new int[versions.size()];
        for (int i = 0; i < versions.size(); i++) {
            versionOffsets[i] = addString(strings, versions.get(i));
        }
        byte[] dynstr = strings.toByteArray();
        int nsym = names.size() + 1; // entry 0 is the null symbol
        int nbucket = Math.max(1, names.size() / 2);
        int nverdef = 1 + versions.size(); // the base definition (the soname) first

        int code = 64 + 3 * 56;
        int strOff = align(code + 3, 8);
        int symOff = align(strOff + dynstr.length, 8);
        int hashOff = symOff + nsym * 24;
        int versymOff = align(hashOff + 4 * (2 + nbucket + nsym), 8);
        int verdefOff = align(versymOff + 2 * nsym, 8);
        int dynOff = align(verdefOff + nverdef * 28, 8);
        int dynCount = 10;
        int total = dynOff + dynCount * 16;

        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        // ELF header
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        b.position(16);
        b.putShort((short) 3); // ET_DYN
        b.putShort((short) 62); // EM_X86_64
        b.putInt(1); // EV_CURRENT
        b.putLong(0); // entry
        b.putLong(64); // phoff
        b.putLong(0); // shoff: no section headers, the loader needs none
        b.putInt(0); // flags
        b.putShort((short) 64); // ehsize
        b.putShort((short) 56); // phentsize
        b.putShort((short) 3); // phnum
        b.putShort((short) 64); // shentsize
        b.putShort((short) 0); // shnum
        b.putShort((short) 0); // shstrndx
        programHeader(b, 1, 7, 0, total, 0x1000); // PT_LOAD, RWX
        programHeader(b, 2, 6, dynOff, dynCount * 16, 8); // PT_DYNAMIC
        programHeader(b, 0x6474e551, 6, 0, 0, 16); // PT_GNU_STACK: not executable
        b.position(code);
        b.put(new byte[] {0x31, (byte) 0xc0, (byte) 0xc3}); // xor eax,eax; ret
        b.position(strOff);
        b.put(dynstr);
        b.position(symOff + 24); // after the null symbol
        for (int i = 0; i < names.size(); i++) {
            b.putInt(nameOffsets[i]);
            b.put((byte) 0x12); // STB_GLOBAL, STT_FUNC
            b.put((byte) 0); // STV_DEFAULT
            b.putShort((short) 1); // any defined section index
            b.putLong(code);
            b.putLong(3);
        }
        // SysV hash: nbucket, nchain, buckets, chains (each chain links symbols of one bucket).
        int[] buckets = new int[nbucket];
        int[] chains = new int[nsym];
        for (int i = 1; i < nsym; i++) {
            int h = (int) (elfHash(names.get(i - 1)) % nbucket);
            chains[i] = buckets[h];
            buckets[h] = i;
        }
        b.position(hashOff);
        b.putInt(nbucket);
        b.putInt(nsym);
        for (int v : buckets) {
            b.putInt(v);
        }
        for (int v : chains) {
            b.putInt(v);
        }
        // Versions: index 1 is the base (global), 2.. the named versions.
        b.position(versymOff);
        b.putShort((short) 0);
        for (String name : names) {
            String v = symbols.get(name);
            b.putShort((short) (v == null ? 1 : 2 + versions.indexOf(v)));
        }
        b.position(verdefOff);
        for (int d = 0; d < nverdef; d++) {
            String name = d == 0 ? soname : versions.get(d - 1);
            b.putShort((short) 1); // vd_version
            b.putShort((short) (d == 0 ? 1 : 0)); // VER_FLG_BASE
            b.putShort((short) (d + 1)); // vd_ndx
            b.putShort((short) 1); // vd_cnt: one Verdaux
            b.putInt((int) elfHash(name));
            b.putInt(20); // vd_aux: right after this entry
            b.putInt(d + 1 < nverdef ? 28 : 0); // vd_next
            b.putInt(d == 0 ? sonameOffset : versionOffsets[d - 1]); // vda_name
            b.putInt(0); // vda_next
        }
        b.position(dynOff);
        dynamic(b, 14, sonameOffset); // DT_SONAME
        dynamic(b, 4, hashOff); // DT_HASH
        dynamic(b, 5, strOff); // DT_STRTAB
        dynamic(b, 6, symOff); // DT_SYMTAB
        dynamic(b, 10, dynstr.length); // DT_STRSZ
        dynamic(b, 11, 24); // DT_SYMENT
        dynamic(b, 0x6ffffff0L, versymOff); // DT_VERSYM
        dynamic(b, 0x6ffffffcL, verdefOff); // DT_VERDEF
        dynamic(b, 0x6ffffffdL, nverdef); // DT_VERDEFNUM
        dynamic(b, 0, 0); // DT_NULL
        return b.array();
    }

    private static int addString(ByteArrayOutputStream strings, String s) {
        int offset = strings.size();
        strings.writeBytes((s + "\0").getBytes(StandardCharsets.US_ASCII));
        return offset;
    }

    private static void programHeader(
            ByteBuffer b, int type, int flags, long offset, long size, long align) {
        b.putInt(type);
        b.putInt(flags);
        b.putLong(offset);
        b.putLong(offset); // vaddr = offset: the object is mapped as the file is laid out
        b.putLong(offset);
        b.putLong(size);
        b.putLong(size);
        b.putLong(align);
    }

    private static void dynamic(ByteBuffer b, long tag, long value) {
        b.putLong(tag);
        b.putLong(value);
    }

    /** The System V ABI's ELF hash. */
    static long elfHash(String name) {
        long h = 0;
        for (byte c : name.getBytes(StandardCharsets.US_ASCII)) {
            h = (h << 4) + (c & 0xff);
            long g = h & 0xf0000000L;
            if (g != 0) {
                h ^= g >>> 24;
            }
            h &= ~g;
        }
        return h & 0xffffffffL;
    }

    private static int align(int value, int to) {
        return (value + to - 1) / to * to;
    }

    private static String cString(byte[] data, int from) {
        int end = from;
        while (data[end] != 0) {
            end++;
        }
        return new String(data, from, end - from, StandardCharsets.US_ASCII);
    }
}

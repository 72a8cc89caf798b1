package io.varmor.bpf.nativeaccess;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.Delegate;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;

/**
 * jnr-ffi binding of the libbpf 1.x calls varmor uses ({@code libbpf.so.1}). Pointer-returning calls return
 * NULL and set errno; int calls return {@code -errno}. Use the safe wrappers ({@link BpfObject} etc.) instead.
 */
public interface LibBpf {
    /** Ring-buffer sample callback: {@code int (*)(void *ctx, void *data, size_t size)}. */
    interface SampleFn {
        /** @return 0 to continue, negative to stop polling with that error */
        @Delegate
        int call(Pointer ctx, Pointer data, @size_t long size);
    }

    String libbpf_version_string();

    Pointer libbpf_set_print(Pointer fn);

    long libbpf_get_error(Pointer ptr);

    @SaveError
    Pointer bpf_object__open_file(String path, Pointer opts);

    @SaveError
    Pointer bpf_object__open_mem(Pointer buf, @size_t long size, Pointer opts);

    @SaveError
    int bpf_object__load(Pointer obj);

    void bpf_object__close(Pointer obj);

    Pointer bpf_object__find_map_by_name(Pointer obj, String name);

    Pointer bpf_object__find_program_by_name(Pointer obj, String name);

    Pointer bpf_object__next_program(Pointer obj, Pointer prev);

    String bpf_program__name(Pointer prog);

    String bpf_program__section_name(Pointer prog);

    boolean bpf_program__autoload(Pointer prog);

    int bpf_program__set_autoload(Pointer prog, boolean autoload);

    @SaveError
    Pointer bpf_program__attach(Pointer prog);

    @SaveError
    Pointer bpf_program__attach_lsm(Pointer prog);

    int bpf_link__destroy(Pointer link);

    @SaveError
    int bpf_link__pin(Pointer link, String path);

    int bpf_map__fd(Pointer map);

    int bpf_map__set_pin_path(Pointer map, String path);

    int bpf_map__set_max_entries(Pointer map, int maxEntries);

    String bpf_map__name(Pointer map);

    Pointer bpf_object__next_map(Pointer obj, Pointer prev);

    @SaveError
    int bpf_obj_get(String path);

    @SaveError
    int bpf_obj_pin(int fd, String path);

    @SaveError
    int bpf_obj_get_info_by_fd(int fd, Pointer info, Pointer infoLen);

    @SaveError
    int bpf_map_get_next_key(int fd, Pointer key, Pointer nextKey);

    int libbpf_num_possible_cpus();

    @SaveError
    Pointer bpf_link__open(String path);

    int bpf_map__key_size(Pointer map);

    int bpf_map__value_size(Pointer map);

    @SaveError
    int bpf_map_update_elem(int fd, Pointer key, Pointer value, long flags);

    @SaveError
    int bpf_map_lookup_elem(int fd, Pointer key, Pointer value);

    @SaveError
    int bpf_map_delete_elem(int fd, Pointer key);

    @SaveError
    Pointer ring_buffer__new(int mapFd, SampleFn sample, Pointer ctx, Pointer opts);

    @SaveError
    int ring_buffer__poll(Pointer rb, int timeoutMs);

    void ring_buffer__free(Pointer rb);
}

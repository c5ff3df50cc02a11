// A device that reports at most a given amount of memory, for `gpt4all rpc-worker --mem`: an RPC
// worker tells hosts its devices' memory (RPC_CMD_GET_DEVICE_MEMORY, answered from the backend's
// device), and llama.cpp's default layer split follows it. ggml has no such option since
// rpc-server dropped `--mem`, so the device is wrapped: the same functions and context, with
// `get_memory` capped, and backends created from it pointing back at the wrapper.
#include <algorithm>

#include "ggml-backend-impl.h"
#include "device_memory.h"

namespace {

struct capped_device {
    ggml_backend_device device;  // first: a `ggml_backend_dev_t` of the wrapper is this struct
    ggml_backend_dev_t inner;
    size_t bytes;
};

const capped_device * capped(ggml_backend_dev_t device) {
    return reinterpret_cast<const capped_device *>(device);
}

void get_memory(ggml_backend_dev_t device, size_t * free, size_t * total) {
    const capped_device * wrapper = capped(device);
    wrapper->inner->iface.get_memory(wrapper->inner, free, total);
    *total = std::min(*total, wrapper->bytes);
    *free = std::min(*free, *total);
}

void get_props(ggml_backend_dev_t device, struct ggml_backend_dev_props * props) {
    const capped_device * wrapper = capped(device);
    wrapper->inner->iface.get_props(wrapper->inner, props);
    get_memory(device, &props->memory_free, &props->memory_total);
}

ggml_backend_t init_backend(ggml_backend_dev_t device, const char * params) {
    ggml_backend_t backend = capped(device)->inner->iface.init_backend(capped(device)->inner, params);
    if (backend != nullptr) {
        backend->device = device;  // what the RPC server asks for memory
    }
    return backend;
}

}  // namespace

extern "C" ggml_backend_dev_t gpt4all_device_with_memory(ggml_backend_dev_t device, size_t bytes) {
    // Lives as long as the process, like ggml's own devices.
    auto * wrapper = new capped_device{*device, device, bytes};
    wrapper->device.iface.get_memory = get_memory;
    wrapper->device.iface.get_props = get_props;
    wrapper->device.iface.init_backend = init_backend;
    return &wrapper->device;
}

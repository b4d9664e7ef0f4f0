#include "citytwin/sim/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace ct {

bool writeFileAtomically(const std::string& path, const std::string& content, std::string* error) {
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) {
            if (error != nullptr) {
                *error = "cannot create " + tmp + ": " + std::strerror(errno);
            }
            return false;
        }
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        out.flush();
        if (!out) {
            if (error != nullptr) {
                *error = "cannot write " + tmp + ": " + std::strerror(errno);
            }
            out.close();
            std::remove(tmp.c_str());
            return false;
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        if (error != nullptr) {
            *error = "cannot rename " + tmp + " to " + path + ": " + ec.message();
        }
        std::remove(tmp.c_str());
        return false;
    }
    return true;
}

}  // namespace ct

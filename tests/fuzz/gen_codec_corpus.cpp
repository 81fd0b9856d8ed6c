// Writes the seed corpus of codec_fuzz: for each protocol level, one file per
// packet type (its richest sample) and one file with every sample coalesced,
// decoded without and with mqtt.strict_mode. Each file is the level byte (3, 4
// or 5, which codec_fuzz maps to itself; its top bit set for strict mode)
// followed by encoded packets. Usage: gen_codec_corpus <output dir>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include "common/mqtt/codec.h"
#include "unit/common/mqtt/codec_samples.h"

using namespace emqx::mqtt;

static void write(const std::string& path, const std::string& data) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(data.data(), static_cast<std::streamsize>(data.size()));
}

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <output dir>\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    for (ProtocolVersion v : {ProtocolVersion::V31, ProtocolVersion::V311, ProtocolVersion::V5}) {
        const std::string prefix(1, static_cast<char>(v));
        const std::string tag = "v" + std::to_string(static_cast<int>(v)) + "_";
        std::map<std::string, std::string> by_type;  // the largest (richest) sample of each type
        std::string all = prefix;
        for (const Packet& p : samples::all(v)) {
            std::string wire;
            encodePacket(v, p, wire);
            std::string name(packetTypeName(packetType(p)));
            for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (wire.size() > by_type[name].size()) by_type[name] = wire;
            all += wire;
        }
        for (const auto& [name, wire] : by_type) write(dir + "/" + tag + name, prefix + wire);
        write(dir + "/" + tag + "stream", all);
        write(dir + "/" + tag + "stream_strict", static_cast<char>(0x80 | static_cast<int>(v)) + all.substr(1));
    }
    return 0;
}
